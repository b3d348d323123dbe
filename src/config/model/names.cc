// Enum spelling tables for the domain model.
#include "config/model/names.h"

#include <utility>

namespace xenia::config {
namespace {

template <class E, size_t N>
std::string_view nameOf(const std::pair<E, std::string_view> (&table)[N], E e) {
  for (const auto& [v, n] : table) {
    if (v == e) {
      return n;
    }
  }
  return "?";
}

template <class E, size_t N>
std::optional<E> fromName(const std::pair<E, std::string_view> (&table)[N], std::string_view s) {
  for (const auto& [v, n] : table) {
    if (n == s) {
      return v;
    }
  }
  return std::nullopt;
}

constexpr std::pair<GuestType, std::string_view> kGuestTypes[] = {
    {GuestType::kPv, "pv"}, {GuestType::kHvm, "hvm"}};

constexpr std::pair<Firmware, std::string_view> kFirmwares[] = {
    {Firmware::kDefault, "default"}, {Firmware::kSeabios, "seabios"}, {Firmware::kOvmf, "ovmf"}};

constexpr std::pair<DiskBackend, std::string_view> kDiskBackends[] = {
    {DiskBackend::kUnspecified, "auto"}, {DiskBackend::kPhy, "phy"},
    {DiskBackend::kFile, "file"},        {DiskBackend::kTap, "tap"},
    {DiskBackend::kNbd, "nbd"},          {DiskBackend::kIscsi, "iscsi"},
    {DiskBackend::kDrbd, "drbd"}};

constexpr std::pair<TapDriver, std::string_view> kTapDrivers[] = {
    {TapDriver::kNone, ""},         {TapDriver::kAio, "aio"},   {TapDriver::kSync, "sync"},
    {TapDriver::kQcow, "qcow"},     {TapDriver::kQcow2, "qcow2"}, {TapDriver::kVmdk, "vmdk"},
    {TapDriver::kVhd, "vhd"},       {TapDriver::kCdrom, "cdrom"}};

constexpr std::pair<DiskFormat, std::string_view> kDiskFormats[] = {
    {DiskFormat::kRaw, "raw"},   {DiskFormat::kQcow, "qcow"}, {DiskFormat::kQcow2, "qcow2"},
    {DiskFormat::kVmdk, "vmdk"}, {DiskFormat::kVpc, "vpc"},   {DiskFormat::kQed, "qed"}};

constexpr std::pair<DiskDevType, std::string_view> kDevTypes[] = {
    {DiskDevType::kDisk, "disk"}, {DiskDevType::kCdrom, "cdrom"}};

constexpr std::pair<DiskMode, std::string_view> kDiskModes[] = {
    {DiskMode::kRead, "r"}, {DiskMode::kWrite, "w"}, {DiskMode::kWriteForce, "w!"}};

constexpr std::pair<VifType, std::string_view> kVifTypes[] = {
    {VifType::kDefault, "default"}, {VifType::kIoemu, "ioemu"}, {VifType::kNetfront, "netfront"}};

constexpr std::pair<Action, std::string_view> kActions[] = {
    {Action::kDestroy, "destroy"},
    {Action::kRestart, "restart"},
    {Action::kRenameRestart, "rename-restart"},
    {Action::kPreserve, "preserve"},
    {Action::kCoredumpDestroy, "coredump-destroy"},
    {Action::kCoredumpRestart, "coredump-restart"},
    {Action::kSoftReset, "soft-reset"}};

constexpr std::pair<Action, std::string_view> kXenApiActions[] = {
    {Action::kRenameRestart, "rename_restart"},
    {Action::kCoredumpDestroy, "coredump_and_destroy"},
    {Action::kCoredumpRestart, "coredump_and_restart"},
    {Action::kSoftReset, "soft_reset"}};

constexpr std::pair<XendStartAction, std::string_view> kXendStart[] = {
    {XendStartAction::kIgnore, "ignore"}, {XendStartAction::kStart, "start"}};

constexpr std::pair<XendStopAction, std::string_view> kXendStop[] = {
    {XendStopAction::kIgnore, "ignore"},
    {XendStopAction::kShutdown, "shutdown"},
    {XendStopAction::kSuspend, "suspend"}};

}  // namespace

std::string_view guestTypeName(GuestType t) { return nameOf(kGuestTypes, t); }
std::optional<GuestType> guestTypeFromName(std::string_view s) {
  return fromName(kGuestTypes, s);
}

std::string_view firmwareName(Firmware f) { return nameOf(kFirmwares, f); }
std::optional<Firmware> firmwareFromName(std::string_view s) {
  if (s == "bios") {
    return Firmware::kSeabios;
  }
  if (s == "uefi") {
    return Firmware::kOvmf;
  }
  return fromName(kFirmwares, s);
}

std::string_view diskBackendName(DiskBackend b) { return nameOf(kDiskBackends, b); }
std::optional<DiskBackend> diskBackendFromName(std::string_view s) {
  return fromName(kDiskBackends, s);
}

std::string_view tapDriverName(TapDriver d) { return nameOf(kTapDrivers, d); }
std::optional<TapDriver> tapDriverFromName(std::string_view s) {
  return fromName(kTapDrivers, s);
}

std::string_view diskFormatName(DiskFormat f) { return nameOf(kDiskFormats, f); }
std::optional<DiskFormat> diskFormatFromName(std::string_view s) {
  if (s == "vhd") {
    return DiskFormat::kVpc;
  }
  return fromName(kDiskFormats, s);
}

std::string_view diskDevTypeName(DiskDevType t) { return nameOf(kDevTypes, t); }
std::optional<DiskDevType> diskDevTypeFromName(std::string_view s) {
  return fromName(kDevTypes, s);
}

std::string_view diskModeName(DiskMode m) { return nameOf(kDiskModes, m); }
std::optional<DiskMode> diskModeFromName(std::string_view s) {
  if (s == "ro") {
    return DiskMode::kRead;
  }
  if (s == "rw") {
    return DiskMode::kWrite;
  }
  return fromName(kDiskModes, s);
}

std::string_view vifTypeName(VifType t) { return nameOf(kVifTypes, t); }
std::optional<VifType> vifTypeFromName(std::string_view s) {
  if (s == "vif") {
    return VifType::kNetfront;
  }
  return fromName(kVifTypes, s);
}

std::string_view actionName(Action a) { return nameOf(kActions, a); }
std::optional<Action> actionFromName(std::string_view s) {
  if (auto a = fromName(kActions, s)) {
    return a;
  }
  return fromName(kXenApiActions, s);
}

std::string_view xendStartName(XendStartAction a) { return nameOf(kXendStart, a); }
std::optional<XendStartAction> xendStartFromName(std::string_view s) {
  return fromName(kXendStart, s);
}
std::string_view xendStopName(XendStopAction a) { return nameOf(kXendStop, a); }
std::optional<XendStopAction> xendStopFromName(std::string_view s) {
  return fromName(kXendStop, s);
}

}  // namespace xenia::config

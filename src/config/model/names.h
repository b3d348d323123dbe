// The spelling of every model enum in config files, SXP and JSON, both ways.
// One table per enum so the spellings cannot drift between the formats.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config/model/domain.h"

namespace xenia::config {

std::string_view guestTypeName(GuestType t);  // "pv", "hvm"
std::optional<GuestType> guestTypeFromName(std::string_view s);

std::string_view firmwareName(Firmware f);  // "default", "seabios", "ovmf"
std::optional<Firmware> firmwareFromName(std::string_view s);  // also bios, uefi

std::string_view diskBackendName(DiskBackend b);  // "auto", "phy", "file", "tap", ...
std::optional<DiskBackend> diskBackendFromName(std::string_view s);

std::string_view tapDriverName(TapDriver d);  // "", "aio", "sync", "qcow", ...
std::optional<TapDriver> tapDriverFromName(std::string_view s);

std::string_view diskFormatName(DiskFormat f);  // "raw", "qcow", "qcow2", "vmdk", "vpc", "qed"
std::optional<DiskFormat> diskFormatFromName(std::string_view s);  // also "vhd" -> vpc

std::string_view diskDevTypeName(DiskDevType t);  // "disk", "cdrom"
std::optional<DiskDevType> diskDevTypeFromName(std::string_view s);

std::string_view diskModeName(DiskMode m);  // "r", "w", "w!"
std::optional<DiskMode> diskModeFromName(std::string_view s);  // also ro, rw

std::string_view vifTypeName(VifType t);  // "default", "ioemu", "netfront"
std::optional<VifType> vifTypeFromName(std::string_view s);  // also "vif" (xl) -> netfront

// "destroy", "restart", "rename-restart", "preserve", "coredump-destroy",
// "coredump-restart", "soft-reset"; also accepts the Xen API spellings
// (rename_restart, coredump_and_destroy, ...).
std::string_view actionName(Action a);
std::optional<Action> actionFromName(std::string_view s);

std::string_view xendStartName(XendStartAction a);  // "ignore", "start"
std::optional<XendStartAction> xendStartFromName(std::string_view s);
std::string_view xendStopName(XendStopAction a);  // "ignore", "shutdown", "suspend"
std::optional<XendStopAction> xendStopFromName(std::string_view s);

}  // namespace xenia::config

// The pure translation from a validated domain model to a QEMU command line:
// buildArgv(config, facts) returns argv (argv[0] = the binary) or the first
// thing that cannot be honoured. No I/O, clock, environment or globals; the
// same inputs always give the same vector. Mapping and limits are written
// down in docs/specs/qemu-translation.md.
#pragma once

#include <string>
#include <vector>

#include "common/expected.h"
#include "config/model/domain.h"
#include "qemu/argv/host_facts.h"

namespace xenia::qemu {

enum class TranslateErrc {
  kUnsupported,        // the config asks for something QEMU cannot do here
  kMissingCapability,  // this QEMU binary lacks a device/driver/option it needs
  kMissingHostFact,    // xend did not prepare a resource the config needs
  kInvalidValue,       // a value QEMU would reject or silently change
  kLimitExceeded,      // too many devices of one kind for the emulated hardware
};

struct TranslateError {
  TranslateErrc code = TranslateErrc::kUnsupported;
  std::string field;    // config key at fault ("disk[1]", "cpuid"); empty = whole domain
  std::string message;  // one sentence
  std::string format() const { return field.empty() ? message : field + ": " + message; }
  bool operator==(const TranslateError&) const = default;
};

using Argv = std::vector<std::string>;

Expected<Argv, TranslateError> buildArgv(const config::DomainConfig& config,
                                         const HostFacts& facts);

// Whether xend must run a block script for this disk before buildArgv() and
// pass the device it attached in HostFacts::disks[i].path: drbd: disks and
// script= disks other than the ones QEMU reaches itself (block-iscsi,
// block-nbd and their short names).
bool diskNeedsBlockScript(const config::Disk& disk);

// One argument per line, the form of the golden .args files.
std::string formatArgs(const Argv& argv);

}  // namespace xenia::qemu

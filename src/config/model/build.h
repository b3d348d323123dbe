// Building the domain model from a parsed config file (xm or xl), and the
// checks every DomainConfig must pass whatever it was read from.
#pragma once

#include "common/expected.h"
#include "config/lang/value.h"
#include "config/model/domain.h"
#include "config/model/error.h"
#include "config/model/random.h"

namespace xenia::config {

// Which language the file was written in: decides the disk grammar (xm's
// legacy form vs xl's DISKSPEC) and a few defaults (on_crash, boot).
enum class Dialect { kXm, kXl };

// ConfigFile -> validated DomainConfig. Missing uuid and MACs are generated
// from `rng`. Errors name the key and, from a file, file:line.
Expected<DomainConfig, ModelError> buildDomain(const ConfigFile& file, Dialect dialect,
                                               Random& rng);

// Generates what is missing (uuid, MACs) and puts the model in canonical form
// (cpus folding), then validates. The SXP and JSON readers end with this.
Expected<DomainConfig, ModelError> finishDomain(DomainConfig d, Random& rng);

// The model's invariants: memory <= maxmem; 1 <= vcpus <= maxvcpus <= 128;
// unique vdevs; <= 100 PV disks; HVM IDE only hda-hdd; <= 8 vifs; valid
// unique MACs; name and uuid syntax; affinity within maxvcpus.
Expected<Ok, ModelError> validateDomain(const DomainConfig& d);

// Limits checked by validateDomain().
constexpr int kMaxVcpus = 128;
constexpr int kMaxVifs = 8;
constexpr int kMaxPvDisks = 100;
constexpr int kMaxIdeDevices = 4;

// The kernel command line xend would pass: cmdline when set by xl, else
// "root=<root> ip=<ipArgs> <extra>" with empty parts left out.
std::string assembleCmdline(const std::string& root, const std::string& ipArgs,
                            const std::string& extra);

// "8-4-4-4-12" lower-case from 32 hex digits with or without dashes.
Expected<std::string, std::string> parseUuid(std::string_view s);
std::string randomUuid(Random& rng);

}  // namespace xenia::config

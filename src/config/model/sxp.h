// The domain model in xend's SXP layout (what `xm list -l` prints and what
// `xm new -F` / `xm create -F` read): (domain (name ..) .. (image (linux|hvm
// ..)) (device (vbd ..)) (device (vif ..)) ..). Fields xend never had (xl's
// firmware, libxl cpuid, per-disk flags, unknown config keys) are carried in
// extra children that xend would ignore, so model -> SXP -> model is exact.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/expected.h"
#include "config/lang/sexp.h"
#include "config/model/domain.h"
#include "config/model/error.h"
#include "config/model/random.h"

namespace xenia::config {

// Runtime facts xend adds for a live domain; all optional.
struct SxpRuntime {
  std::optional<int64_t> domid;
  // 0..6 = Halted, Paused, Running, Suspended, ShuttingDown, Crashed, Unknown
  std::optional<int> status;
  std::string state;          // "r-----" style; only for a running domain
  std::optional<double> startTime;
  std::optional<double> cpuTime;
  std::optional<int> onlineVcpus;
};

Sexp domainToSxp(const DomainConfig& d, const SxpRuntime& rt = {});
// prettySxp(domainToSxp(d, rt)): xm's layout.
std::string domainToSxpText(const DomainConfig& d, const SxpRuntime& rt = {});

// Reads (domain ...) or (vm ...). Runtime keys (domid, state, ...) are
// ignored; missing uuid/MACs are generated; the result is validated.
Expected<DomainConfig, ModelError> domainFromSxp(const Sexp& s, std::string_view fileName,
                                                 Random& rng);
Expected<DomainConfig, ModelError> domainFromSxpText(std::string_view text,
                                                     std::string_view fileName, Random& rng);

}  // namespace xenia::config

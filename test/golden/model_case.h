// Shared by golden suites: reading a case's config file into the domain
// model, the way `xm create` / `xl create` would.
#pragma once

#include <string>

#include "common/expected.h"
#include "config/model/domain.h"
#include "test/golden/harness.h"

namespace xenia::golden {

// Parses the case with the xm or xl reader (by its extension) and builds the
// model with a fixed random sequence, so generated uuids and MACs are stable.
// An xm case may give command-line overrides on a line of its own:
//   # golden-args: vmid=3 memory=512
// Errors are formatted as the tools print them ("x.cfg:3: disk[0]: ...").
Expected<config::DomainConfig, std::string> caseToModel(const CaseInput& in);

}  // namespace xenia::golden

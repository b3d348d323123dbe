// The canonical JSON form of a DomainConfig (what `xm create -n`/`xl create -n`
// style dry runs print, and what xend stores): every field, fixed key order,
// so equal models dump to identical text. And the way back.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/expected.h"
#include "config/model/domain.h"
#include "config/model/error.h"
#include "config/model/random.h"

namespace xenia::config {

nlohmann::ordered_json domainToJson(const DomainConfig& d);
// domainToJson(d).dump(2) plus a final newline.
std::string domainToJsonText(const DomainConfig& d);

// Reads the form domainToJson() writes. Absent keys take their defaults;
// unknown keys and wrong types are errors naming the JSON path. The result is
// finished (missing uuid/MACs generated) and validated.
Expected<DomainConfig, ModelError> domainFromJson(const nlohmann::ordered_json& j,
                                                  Random& rng);
Expected<DomainConfig, ModelError> domainFromJsonText(std::string_view text, Random& rng);

// A config Value as JSON and back (otherKeys). Tuples, which JSON lacks,
// become {"$tuple": [...]}; dicts keep their order.
nlohmann::ordered_json valueToJson(const Value& v);
Value valueFromJson(const nlohmann::ordered_json& j);

}  // namespace xenia::config

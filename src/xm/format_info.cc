// xm info / info -c (X40 main.py xm_info) and the sched-credit listing
// (xm_sched_credit), plus Python's str() of the values they print.
#include <fmt/format.h>

#include <cmath>

#include "xm/format.h"
#include "xm/json_fields.h"
#include "xm/text.h"

namespace xenia::xm {

std::string pyFloatStr(double d) {
  if (std::isnan(d)) {
    return "nan";
  }
  if (std::isinf(d)) {
    return d > 0 ? "inf" : "-inf";
  }
  std::string s = fmt::format("{:.12g}", d);
  if (s.find_first_of(".en") == std::string::npos) {
    s += ".0";
  }
  return s;
}

std::string pyStr(const Json& v) {
  switch (v.type()) {
    case Json::value_t::string:
      return v.get<std::string>();
    case Json::value_t::boolean:
      return v.get<bool>() ? "True" : "False";
    case Json::value_t::number_integer:
      return std::to_string(v.get<int64_t>());
    case Json::value_t::number_unsigned:
      return std::to_string(v.get<uint64_t>());
    case Json::value_t::number_float:
      return pyFloatStr(v.get<double>());
    case Json::value_t::null:
      return "None";
    default:
      return v.dump(-1, ' ', false, Json::error_handler_t::replace);
  }
}

Expected<std::string, std::string> formatInfo(const Json& pairs, int keyWidth) {
  if (!pairs.is_array()) {
    return unexpected(std::string("answer is not a list of [key, value] pairs"));
  }
  std::string out;
  for (const auto& p : pairs) {
    if (!p.is_array() || p.empty() || !p[0].is_string()) {
      return unexpected(std::string("answer is not a list of [key, value] pairs"));
    }
    out += padRight(p[0].get<std::string>(), static_cast<size_t>(keyWidth));
    if (p.size() < 2 || p[1].is_null()) {
      out += ": (none)\n";
    } else {
      // print "%-23s:" % k, v  -> the comma adds one space.
      out += ": " + pyStr(p[1]) + "\n";
    }
  }
  return out;
}

Expected<std::vector<SchedCreditRow>, std::string> schedRowsFromResult(const Json& result) {
  if (!result.is_object() || !result.contains("domains") || !result["domains"].is_array()) {
    return unexpected(std::string("answer has no 'domains' list"));
  }
  std::vector<SchedCreditRow> rows;
  for (const auto& j : result["domains"]) {
    SchedCreditRow row;
    FieldReader r(j, "scheduler record");
    std::optional<int64_t> domid;
    // A domain without credit parameters prints -1 -1, as xm did.
    row.weight = -1;
    row.cap = -1;
    r.str("name", row.name);
    r.optInteger("domid", domid);
    r.integer("weight", row.weight);
    r.integer("cap", row.cap);
    if (!r.ok()) {
      return unexpected(r.error());
    }
    row.domid = domid ? std::to_string(*domid) : "";
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string formatSchedCredit(const std::vector<SchedCreditRow>& rows) {
  // '%-33s %4s %6s %4s' % ('Name','ID','Weight','Cap')
  std::string out = padRight("Name", 33) + " " + padLeft("ID", 4) + " " + padLeft("Weight", 6) +
                    " " + padLeft("Cap", 4) + "\n";
  for (const auto& r : rows) {
    // "%(name)-32s %(domid)5s %(weight)6d %(cap)4d"
    out += fmt::format("{} {} {:6d} {:4d}\n", padRight(r.name, 32), padLeft(r.domid, 5), r.weight,
                       r.cap);
  }
  return out;
}

}  // namespace xenia::xm

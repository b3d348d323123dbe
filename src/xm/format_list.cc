// xm list (brief) and xm uptime, from X40 main.py xm_brief_list,
// parse_doms_info and xm_uptime.
#include <fmt/format.h>

#include <cmath>

#include "xm/format.h"
#include "xm/json_fields.h"
#include "xm/text.h"

namespace xenia::xm {

Expected<DomainRow, std::string> domainRowFromJson(const Json& j) {
  DomainRow d;
  FieldReader r(j, "domain record");
  r.str("name", d.name);
  r.optInteger("domid", d.domid);
  r.str("uuid", d.uuid);
  r.integer("memory", d.memory);
  r.integer("maxmem", d.maxmem);
  r.integer("vcpus", d.vcpus);
  d.onlineVcpus = d.vcpus;
  r.integer("online_vcpus", d.onlineVcpus);
  r.str("state", d.state);
  int64_t status = 0;
  r.integer("status", status);
  d.status = static_cast<int>(status);
  r.number("cpu_time", d.cpuTime);
  r.optNumber("start_time", d.startTime);
  r.boolean("managed", d.managed);
  if (!r.ok()) {
    return unexpected(r.error());
  }
  return d;
}

Expected<std::vector<DomainRow>, std::string> domainRowsFromResult(const Json& result) {
  if (!result.is_object() || !result.contains("domains") || !result["domains"].is_array()) {
    return unexpected(std::string("answer has no 'domains' list"));
  }
  std::vector<DomainRow> rows;
  for (const auto& j : result["domains"]) {
    auto d = domainRowFromJson(j);
    if (!d) {
      return unexpected(d.error());
    }
    rows.push_back(std::move(*d));
  }
  return rows;
}

const char* statusName(int status) {
  static const char* const kNames[] = {"halted", "paused",  "running", "suspended",
                                       "halted", "crashed", "unknown"};
  if (status < 0 || status > 6) {
    return "unknown";
  }
  return kNames[status];
}

std::string formatBriefList(const std::vector<DomainRow>& doms) {
  // '%-40s %5s %5s %5s %10s %9s'
  std::string out =
      fmt::format("{} {} {} {} {} {}\n", padRight("Name", 40), padLeft("ID", 5), padLeft("Mem", 5),
                  padLeft("VCPUs", 5), padLeft("State", 10), padLeft("Time(s)", 9));
  for (const auto& d : doms) {
    // "%(name)-40s %(domid)5s %(mem)5d %(vcpus)5d %(state)10s %(cpu_time)8.1f"
    // vcpus: online ones while the domain exists, the configured count otherwise.
    std::string domid = d.domid ? std::to_string(*d.domid) : "";
    int64_t vcpus = d.domid ? d.onlineVcpus : d.vcpus;
    out += fmt::format("{} {} {:5d} {:5d} {} {:8.1f}\n", padRight(d.name, 40), padLeft(domid, 5),
                       d.memory, vcpus, padLeft(d.state, 10), d.cpuTime);
  }
  return out;
}

std::string formatLabelList(const std::vector<DomainRow>& doms) {
  // '%-40s %5s %5s %5s %10s %9s %-10s'
  std::string out = fmt::format("{} {} {} {} {} {} {}\n", padRight("Name", 40), padLeft("ID", 5),
                                padLeft("Mem", 5), padLeft("VCPUs", 5), padLeft("State", 10),
                                padLeft("Time(s)", 9), padRight("Label", 10));
  for (const auto& d : doms) {
    std::string domid = d.domid ? std::to_string(*d.domid) : "";
    int64_t vcpus = d.domid ? d.onlineVcpus : d.vcpus;
    // ... '%(cpu_time)8.1f %(seclabel)10s'
    out += fmt::format("{} {} {:5d} {:5d} {} {:8.1f} {}\n", padRight(d.name, 40), padLeft(domid, 5),
                       d.memory, vcpus, padLeft(d.state, 10), d.cpuTime, padLeft("", 10));
  }
  return out;
}

int64_t pyRoundToInt(double x) {
  if (!std::isfinite(x)) {
    return 0;
  }
  return static_cast<int64_t>(std::llround(x));
}

std::string formatUptime(const std::vector<UptimeRow>& rows, bool shortMode,
                         const std::string& nowHms) {
  std::string out;
  if (!shortMode) {
    // '%-33s %4s %s ' % ('Name','ID','Uptime')
    out = padRight("Name", 33) + " " + padLeft("ID", 4) + " Uptime \n";
  }
  for (const auto& r : rows) {
    int64_t up = r.seconds < 0 ? 0 : r.seconds;
    int64_t days = up / 86400;
    up -= days * 86400;
    int64_t hours = up / 3600;
    up -= hours * 3600;
    int64_t minutes = up / 60;
    int64_t seconds = up - minutes * 60;
    std::string upstring;
    if (days > 0) {
      upstring = std::to_string(days) + " day" + (days > 1 ? "s" : "") + ", ";
    }
    upstring += fmt::format("{:2d}:{:02d}", hours, minutes);
    if (shortMode) {
      out += " " + nowHms + " up " + upstring + ", " + r.name + " (" + r.domid + ")\n";
    } else {
      out += padRight(r.name, 32) + " " + padLeft(r.domid, 5) + " " + upstring +
             fmt::format(":{:02d}", seconds) + "\n";
    }
  }
  return out;
}

}  // namespace xenia::xm

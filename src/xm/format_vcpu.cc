// xm vcpu-list, from X40 main.py xm_vcpu_list (format_cpumap,
// list_to_rangepairs, format_pairs).
#include <fmt/format.h>

#include <algorithm>

#include "xm/format.h"
#include "xm/json_fields.h"
#include "xm/text.h"

namespace xenia::xm {

Expected<std::vector<VcpuRow>, std::string> vcpuRowsFromResult(const Json& result,
                                                               int64_t* nrCpus) {
  if (!result.is_object() || !result.contains("vcpus") || !result["vcpus"].is_array()) {
    return unexpected(std::string("answer has no 'vcpus' list"));
  }
  FieldReader top(result, "vcpu list");
  int64_t n = 0;
  top.integer("nr_cpus", n);
  if (!top.ok()) {
    return unexpected(top.error());
  }
  *nrCpus = n;
  std::vector<VcpuRow> rows;
  for (const auto& j : result["vcpus"]) {
    VcpuRow v;
    FieldReader r(j, "vcpu record");
    r.str("name", v.name);
    r.optInteger("domid", v.domid);
    r.integer("number", v.number);
    r.integer("cpu", v.cpu);
    r.boolean("online", v.online);
    r.boolean("running", v.running);
    r.boolean("blocked", v.blocked);
    r.number("cpu_time", v.cpuTime);
    r.intList("affinity", v.affinity);
    if (!r.ok()) {
      return unexpected(r.error());
    }
    rows.push_back(std::move(v));
  }
  return rows;
}

std::string formatCpumap(const std::vector<int64_t>& cpus, int64_t nrCpus) {
  if (cpus.empty()) {
    return "any cpu";  // the protocol's "no restriction"
  }
  std::vector<int64_t> map;
  for (int64_t c : cpus) {
    if (c >= 0 && c < nrCpus) {
      map.push_back(c);
    }
  }
  std::sort(map.begin(), map.end());
  map.erase(std::unique(map.begin(), map.end()), map.end());
  if (static_cast<int64_t>(map.size()) == nrCpus) {
    return "any cpu";
  }
  if (map.empty()) {
    return "no cpus";
  }
  std::string out;
  for (size_t i = 0; i < map.size();) {
    size_t j = i;
    while (j + 1 < map.size() && map[j + 1] == map[j] + 1) {
      ++j;
    }
    if (!out.empty()) {
      out += ',';
    }
    out += i == j ? std::to_string(map[i]) : fmt::format("{}-{}", map[i], map[j]);
    i = j + 1;
  }
  return out;
}

std::string formatVcpuList(const std::vector<VcpuRow>& rows, int64_t nrCpus) {
  // '%-32s %5s %5s %5s %5s %9s %s'
  std::string out = padRight("Name", 32) + " " + padLeft("ID", 5) + " " + padLeft("VCPU", 5) + " " +
                    padLeft("CPU", 5) + " " + padLeft("State", 5) + " " + padLeft("Time(s)", 9) +
                    " CPU Affinity\n";
  for (const auto& v : rows) {
    std::string c, s;
    if (v.cpu < 0) {
      // no CPU: both blank
    } else if (v.online) {
      c = std::to_string(v.cpu);
      s = std::string(v.running ? "r" : "-") + (v.blocked ? "b" : "-") + "-";
    } else {
      c = "-";
      s = "--p";
    }
    std::string domid = v.domid ? std::to_string(*v.domid) : "";
    // '%(name)-32s %(domid)5s %(number)5d %(c)5s %(s)5s  %(cpu_time)8.1f %(cpumap)s'
    out += fmt::format("{} {} {:5d} {} {}  {:8.1f} {}\n", padRight(v.name, 32), padLeft(domid, 5),
                       v.number, padLeft(c, 5), padLeft(s, 5), v.cpuTime,
                       formatCpumap(v.affinity, nrCpus));
  }
  return out;
}

}  // namespace xenia::xm

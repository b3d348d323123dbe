// Pure formatting of xm's outputs: plain records (decoded from xend's JSON
// answers) in, the exact text xm 4.0 printed out. Golden-tested against
// xm's own format strings (tools/python/xen/xm/main.py, RELEASE-4.0.0).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/expected.h"
#include "xend/rpc/message.h"

namespace xenia::xm {

using xend::Json;

// One DomainInfo record of domain.list (docs/specs/xend-protocol.md).
struct DomainRow {
  std::string name;
  std::optional<int64_t> domid;  // nullopt: a halted managed domain
  std::string uuid;
  int64_t memory = 0;
  int64_t maxmem = 0;
  int64_t vcpus = 0;
  int64_t onlineVcpus = 0;
  std::string state;  // "r-----", empty when halted
  int status = 0;     // 0..6 Halted Paused Running Suspended ShuttingDown Crashed Unknown
  double cpuTime = 0;
  std::optional<double> startTime;
  bool managed = false;
};
Expected<DomainRow, std::string> domainRowFromJson(const Json& j);
// {"domains": [...]} -> rows.
Expected<std::vector<DomainRow>, std::string> domainRowsFromResult(const Json& result);

// xend's POWER_STATE_NAMES for --state: status 4 (ShuttingDown) is "halted"
// there too. Compared lower-case with what the user typed.
const char* statusName(int status);

// xm list (xm_brief_list): header and one line per domain.
std::string formatBriefList(const std::vector<DomainRow>& doms);

// xm list --label: the brief list plus a Label column, rows sorted by label
// (Xenia has no security labels, so every label is empty).
std::string formatLabelList(const std::vector<DomainRow>& doms);

// xm uptime. `seconds` is already rounded (xm: int(round(now - start_time)),
// /proc/uptime for Domain-0, 0 for halted domains).
struct UptimeRow {
  std::string name;
  std::string domid;  // "" when halted
  int64_t seconds = 0;
};
// nowHms: the local time as "%H:%M:%S", used by the short form only.
std::string formatUptime(const std::vector<UptimeRow>& rows, bool shortMode,
                         const std::string& nowHms);
// Python 2's int(round(x)): halves away from zero.
int64_t pyRoundToInt(double x);

// xm vcpu-list.
struct VcpuRow {
  std::string name;
  std::optional<int64_t> domid;
  int64_t number = 0;
  int64_t cpu = -1;
  bool online = false;
  bool running = false;
  bool blocked = false;
  double cpuTime = 0;
  std::vector<int64_t> affinity;  // empty: every CPU
};
Expected<std::vector<VcpuRow>, std::string> vcpuRowsFromResult(const Json& result, int64_t* nrCpus);
std::string formatVcpuList(const std::vector<VcpuRow>& rows, int64_t nrCpus);
// "any cpu" when the map covers all nr_cpus, "no cpus" when empty, else
// ranges "0-3,5"; CPUs >= nrCpus are dropped first, as xm did.
std::string formatCpumap(const std::vector<int64_t>& cpus, int64_t nrCpus);

// xm info: "%-23s: value" per [key, value] pair (xm info -c: width 38); a
// pair without a value (or a null one) prints "(none)". Values print as
// Python's str() would.
Expected<std::string, std::string> formatInfo(const Json& pairs, int keyWidth);
inline constexpr int kInfoWidth = 23;
inline constexpr int kInfoConfigWidth = 38;

// xm sched-credit listing.
struct SchedCreditRow {
  std::string name;
  std::string domid;  // "" when halted
  int64_t weight = 0;
  int64_t cap = 0;
};
Expected<std::vector<SchedCreditRow>, std::string> schedRowsFromResult(const Json& result);
std::string formatSchedCredit(const std::vector<SchedCreditRow>& rows);

// Python 2 str() of a JSON scalar: 1, 2.5, 'True', text as is.
std::string pyStr(const Json& v);
// Python 2 str(float): '%.12g', with ".0" added when it looks integral.
std::string pyFloatStr(double d);

}  // namespace xenia::xm

// The xend daemon: options, host facts probed once (accelerator, QEMU caps,
// host memory), the XenStore connection, every domain, and the RPC methods
// of docs/specs/xend-protocol.md. Everything runs on one thread in one
// EventLoop; a request runs to completion (QMP calls are short and blocking).
// The design is docs/design/xend.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/expected.h"
#include "config/model/domain.h"
#include "config/model/random.h"
#include "net/plan/mac.h"
#include "net/plan/vif_plan.h"
#include "qemu/argv/caps.h"
#include "qemu/argv/host_facts.h"
#include "xend/daemon/domain.h"
#include "xend/loop/event_loop.h"
#include "xend/model/host_info.h"
#include "xend/model/options.h"
#include "xend/rpc/message.h"
#include "xend/vm/cgroup.h"
#include "xenstore/client/client.h"

namespace xenia::xend {

using Result = Expected<Json, RpcError>;

inline Unexpected<RpcError> rpcError(const char* code, std::string message) {
  return unexpected(RpcError{code, std::move(message)});
}

class RpcServer;

class Daemon {
 public:
  // `selfDir` is the directory of the xend binary (xenstored is started
  // from there when none answers and (xenstored-start yes)).
  static Expected<std::unique_ptr<Daemon>, std::string> create(XendOptions opts,
                                                               std::string selfDir);
  ~Daemon();

  // Serves until stop(); then applies on_xend_stop and returns the exit code.
  int run();
  // Async-signal-safe: wakes the loop, which then stops.
  void requestStop();

  // One RPC request (the server calls this).
  Result handle(const std::string& method, const Json& params);

  EventLoop& loop() { return loop_; }
  const XendOptions& options() const { return opts_; }

 private:
  Daemon(XendOptions opts, std::string selfDir);
  Expected<Ok, std::string> start();

  // --- start-up (daemon.cc, startup.cc) ---
  Expected<Ok, std::string> makeDirs();
  void probeHost();
  Expected<Ok, std::string> connectXenstore();
  void writeDom0Nodes();
  void reattachAll();
  void loadManaged();
  void autostart();
  void startNextAuto(std::vector<std::string> files, size_t i);
  void onStopSignal();
  void sampleTick();
  void applyXendStop();

  // --- domains (lookup.cc) ---
  Domain* find(const std::string& dom);
  Expected<Domain*, RpcError> lookup(const Json& params, const char* key = "dom");
  Expected<Domain*, RpcError> lookupRunning(const Json& params);
  // A method's usual preamble: only the `known` parameters (checkParams), then
  // the domain named by "dom".
  Expected<Domain*, RpcError> checkedLookup(const Json& params,
                                            std::initializer_list<const char*> known);
  Expected<Domain*, RpcError> checkedLookupRunning(const Json& params,
                                                   std::initializer_list<const char*> known);
  // block-attach's and block-configure's preamble: only their parameters, the
  // disk they describe (diskFromParams), then the domain.
  Expected<std::pair<Domain*, config::Disk>, RpcError> diskRequest(const Json& params);
  Domain* byKey(uint64_t key);
  Domain& addDomain(config::DomainConfig cfg, bool managed);
  void eraseDomain(uint64_t key);
  std::vector<Domain*> sortedDomains();
  int64_t committedMiB(const Domain* except = nullptr) const;
  int64_t hostTotalMiB() const;

  // --- create / destroy (create.cc, teardown.cc) ---
  // Starts `d` (config already validated and unique). On error nothing of
  // the attempt is left.
  Expected<int, RpcError> startDomain(Domain& d, bool paused,
                                      const std::string& restoreFrom = "");
  Expected<config::DomainConfig, RpcError> parseConfig(const Json& j);
  Expected<Ok, RpcError> checkUnique(const config::DomainConfig& cfg, const Domain* self);
  Expected<Ok, RpcError> checkFits(const config::DomainConfig& cfg, const Domain* self);
  Expected<int, RpcError> allocateDomid();
  std::string xsGuestSocket(int domid) const;
  Expected<qemu::HostFacts, RpcError> hostFacts(const Domain& d, int domid,
                                                const std::string& runDir);
  // Callbacks name the domain by key: a replaced Vm never calls back.
  VmCallbacks vmCallbacks(uint64_t key);
  Expected<Ok, RpcError> writeXsNodes(const Domain& d, int domid);
  void removeXsNodes(const config::DomainConfig& cfg, int domid);
  void saveRecord(Domain& d);
  // Stops QEMU (if still there), removes XenStore nodes, run dir, cgroup;
  // the domain becomes halted (managed) or is forgotten (unmanaged).
  void teardown(Domain& d, bool keepManaged = true);
  void releaseRunning(Domain& d);

  // --- networking (net_vifs.cc, net_methods.cc, docs/design/networking.md) ---
  void startNetwork();
  void stopNetwork();
  std::vector<net::VifPlan> loadVifPlans(const std::string& runDir);
  Expected<Ok, RpcError> saveVifPlans(const std::string& runDir,
                                      const std::vector<net::VifPlan>& plans);
  std::vector<net::MacUse> macsInUse(const Domain* except);
  Expected<net::VifPlan, RpcError> planVifFor(const Domain& d, int domid, int devid,
                                              const config::Vif& vif);
  // Plugs every vif of d's config; the fds go to QEMU (facts.taps[i].fd).
  Expected<std::vector<UniqueFd>, RpcError> plugVifs(const Domain& d, int domid,
                                                     const std::string& runDir,
                                                     qemu::HostFacts& facts);
  void unplugVifs(int domid, const std::string& runDir);
  void writeVifXsNodes(const Domain& d, const net::VifPlan& p);
  void removeVifXsNodes(int domid, int devid);
  Result mNetworkAttach(const Json& p);
  Result mNetworkDetach(const Json& p);
  Result mNetworkList(const Json& p);
  // vm.json of a running domain, config.json of a managed one.
  void saveVifChange(Domain& d);
  Result attachHaltedVif(Domain& dom, config::Vif vif);
  Result detachHaltedVif(Domain& dom, const std::string& dev);
  void releaseLeases(const net::VifPlan& p);  // DHCP leases of a vif that went
  void appendVifInfo(Json& info);             // xm info: one line per running vif

  // --- VNC and guest access (vnc_ops.cc) ---
  // Picks the display of a new domain's VNC server into d.rec.vncPort.
  Expected<Ok, RpcError> prepareVnc(Domain& d);
  // xend-config's VNC TLS for the domain's VNC server (none without VNC).
  std::optional<qemu::VncTlsFacts> vncTls(const Domain& d) const;
  // After the spawn: VNC password (QMP), /tool/vncwatch/<domid> granted.
  Expected<Ok, RpcError> setupGuestAccess(Domain& d, Vm& vm, int domid);
  Json vncInfo(const Domain& d, bool withPassword);

  // --- lifecycle (lifecycle.cc) ---
  void onGuestExit(uint64_t key, GuestExit why);
  void onProcessExit(uint64_t key, int status);
  void onVmState(uint64_t key, RunState s);
  void restartDomain(Domain& d, bool rename);
  std::string coreDumpPath(const Domain& d) const;

  // --- re-attach (reattach.cc) ---
  void reattach(const std::string& dir);

  // --- managed domains (managed.cc) ---
  std::string managedDir(const config::DomainConfig& cfg) const;
  Expected<Ok, RpcError> persistManaged(const Domain& d);
  void removeManaged(const config::DomainConfig& cfg);
  Expected<Ok, RpcError> saveToFile(Domain& d, const std::string& path);

  // --- RPC methods (methods_*.cc) ---
  Result mPing(const Json& p);
  Result mHostInfo(const Json& p);
  Result mHostConfig(const Json& p);
  Result mHostLog(const Json& p);
  Result mHostDmesg(const Json& p);
  Result mList(const Json& p);
  Result mSxp(const Json& p);
  Result mCreate(const Json& p);
  Result mNew(const Json& p);
  Result mDelete(const Json& p);
  Result mStart(const Json& p);
  Result mSuspend(const Json& p);
  Result mResume(const Json& p);
  Result mDestroy(const Json& p);
  Result mShutdown(const Json& p);
  Result mReset(const Json& p);
  Result mPause(const Json& p);
  Result mUnpause(const Json& p);
  Result mRename(const Json& p);
  Result mConsole(const Json& p);
  Result mMemSet(const Json& p);
  Result mMemMax(const Json& p);
  Result mVcpuSet(const Json& p);
  Result mVcpuList(const Json& p);
  Result mVcpuPin(const Json& p);
  Result mSchedCredit(const Json& p);
  Result mSysrq(const Json& p);
  Result mTrigger(const Json& p);
  Result mDumpCore(const Json& p);
  // --- disks (block_*.cc, docs/design/disks.md) ---
  Result mBlockAttach(const Json& p);
  Result mBlockDetach(const Json& p);
  Result mBlockList(const Json& p);
  Result mBlockConfigure(const Json& p);
  Result mBlockResize(const Json& p);
  Result mImageUsers(const Json& p);
  // Refuses a disk another running domain uses in a conflicting mode.
  Expected<Ok, RpcError> checkDiskSharing(const Domain& d, const config::Disk& disk);
  Expected<Ok, RpcError> checkDisksSharing(const Domain& d);
  // Rewrites the domain's vbd nodes after a disk change (running domains).
  void writeVbdNodes(const Domain& d, const std::string& removedVdev = "");
  // Records a disk change: vm.json of a running domain, config.json of a managed one.
  void saveDiskChange(Domain& d);
  // Rename-restart: the preserved domain's QEMU lets go of its images and its
  // disks leave its config, as Xen releases the preserved domain's devices.
  Expected<Ok, std::string> releasePreservedDisks(Domain& d);
  Result mVnc(const Json& p);
  Result mSendKeys(const Json& p);

  Json domainInfo(Domain& d);
  Json dom0Info();

  // --- logging ---
  // A line for xend.log and the dmesg ring (xm dmesg).
  void event(const std::string& line);

  XendOptions opts_;
  std::string selfDir_;
  EventLoop loop_;
  std::unique_ptr<RpcServer> rpc_;
  UniqueFd wakeRead_, wakeWrite_;
  bool stopping_ = false;

  // Host facts, probed once.
  HostSnapshot host_;
  std::string accel_ = "tcg";
  std::string accelReason_;
  qemu::QemuCaps caps_;
  bool capsOk_ = false;
  std::string capsError_;
  CgroupRoot cgroupRoot_;
  std::string cgroupParent_ = "xenia";
  std::string runAs_;
  double startedAt_ = 0;
  std::chrono::steady_clock::time_point lastSample_ = std::chrono::steady_clock::now();

  std::string xsSocket_;
  std::unique_ptr<xs::Client> xs_;

  std::map<uint64_t, std::unique_ptr<Domain>> domains_;
  uint64_t nextKey_ = 1;
  std::unique_ptr<config::Random> rng_;
  std::deque<std::string> dmesg_;
  size_t dmesgBytes_ = 0;
};

}  // namespace xenia::xend

// The command handlers the table points at. Each returns xm's exit status;
// all output goes through the Ctx.
#pragma once

#include <string>
#include <vector>

namespace xenia::xm {

class Ctx;
using Args = std::vector<std::string>;

// cmd_create.cc
int cmdCreate(Ctx& ctx, const Args& args);
int cmdNew(Ctx& ctx, const Args& args);
// cmd_lifecycle.cc
int cmdDelete(Ctx& ctx, const Args& args);
int cmdStart(Ctx& ctx, const Args& args);
int cmdSuspend(Ctx& ctx, const Args& args);
int cmdResume(Ctx& ctx, const Args& args);
int cmdDestroy(Ctx& ctx, const Args& args);
int cmdReset(Ctx& ctx, const Args& args);
int cmdPause(Ctx& ctx, const Args& args);
int cmdUnpause(Ctx& ctx, const Args& args);
int cmdRename(Ctx& ctx, const Args& args);
int cmdDomid(Ctx& ctx, const Args& args);
int cmdDomname(Ctx& ctx, const Args& args);
int cmdSysrq(Ctx& ctx, const Args& args);
int cmdTrigger(Ctx& ctx, const Args& args);
int cmdDumpCore(Ctx& ctx, const Args& args);
// cmd_resources.cc
int cmdMemSet(Ctx& ctx, const Args& args);
int cmdMemMax(Ctx& ctx, const Args& args);
int cmdVcpuSet(Ctx& ctx, const Args& args);
int cmdVcpuPin(Ctx& ctx, const Args& args);
int cmdVcpuList(Ctx& ctx, const Args& args);
int cmdSchedCredit(Ctx& ctx, const Args& args);
// cmd_shutdown.cc
int cmdShutdown(Ctx& ctx, const Args& args);
int cmdReboot(Ctx& ctx, const Args& args);
// cmd_list.cc
int cmdList(Ctx& ctx, const Args& args);
int cmdUptime(Ctx& ctx, const Args& args);
// cmd_host.cc
int cmdInfo(Ctx& ctx, const Args& args);
int cmdLog(Ctx& ctx, const Args& args);
int cmdDmesg(Ctx& ctx, const Args& args);
// cmd_network.cc
int cmdNetworkAttach(Ctx& ctx, const Args& args);
int cmdNetworkDetach(Ctx& ctx, const Args& args);
int cmdNetworkList(Ctx& ctx, const Args& args);
// cmd_console.cc
int cmdConsole(Ctx& ctx, const Args& args);
// cmd_block.cc
int cmdBlockAttach(Ctx& ctx, const Args& args);
int cmdBlockDetach(Ctx& ctx, const Args& args);
int cmdBlockList(Ctx& ctx, const Args& args);
int cmdBlockConfigure(Ctx& ctx, const Args& args);
int cmdCdInsert(Ctx& ctx, const Args& args);
int cmdCdEject(Ctx& ctx, const Args& args);
int cmdBlockResize(Ctx& ctx, const Args& args);
int cmdDeleteImages(Ctx& ctx, const Args& args);  // xm delete [--remove-images]
// cmd_vnc.cc
int cmdVncviewer(Ctx& ctx, const Args& args);
int cmdVncList(Ctx& ctx, const Args& args);
int cmdSendKeys(Ctx& ctx, const Args& args);

}  // namespace xenia::xm

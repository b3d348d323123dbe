// Command builders produce QEMU 7.2's argument names; typed decoders accept
// what QEMU sends and refuse what it must not.
#include <gtest/gtest.h>
#include <unistd.h>

#include "qemu/qmp/commands.h"
#include "qemu/qmp/replies.h"

namespace xenia::qmp {
namespace {

using nlohmann::json;

TEST(Commands, ArgumentsUseQemuNames) {
  EXPECT_EQ(cmd::queryStatus().name, "query-status");
  EXPECT_TRUE(cmd::queryStatus().args.empty());
  EXPECT_EQ(cmd::systemPowerdown().name, "system_powerdown");
  EXPECT_EQ(cmd::injectNmi().name, "inject-nmi");
  EXPECT_EQ(cmd::balloon(1 << 30).args, json({{"value", 1 << 30}}));

  auto dev = cmd::deviceAdd("virtio-blk-pci", "disk1", {{"drive", "node1"}, {"id", "ignored"}});
  EXPECT_EQ(dev.name, "device_add");
  EXPECT_EQ(dev.args, json({{"driver", "virtio-blk-pci"}, {"id", "disk1"}, {"drive", "node1"}}));

  auto net = cmd::netdevAdd("tap", "net0", {{"fd", "tapfd0"}, {"vhost", true}});
  EXPECT_EQ(net.args, json({{"type", "tap"}, {"id", "net0"}, {"fd", "tapfd0"}, {"vhost", true}}));
  EXPECT_EQ(cmd::netdevDel("net0").args, json({{"id", "net0"}}));

  json bd = {{"driver", "qcow2"}, {"node-name", "n1"},
             {"file", {{"driver", "file"}, {"filename", "/v/d.qcow2"}}}};
  EXPECT_EQ(cmd::blockdevAdd(bd).args, bd);
  EXPECT_EQ(cmd::blockdevDel("n1").args, json({{"node-name", "n1"}}));

  EXPECT_EQ(cmd::blockdevChangeMedium("cd0", "/iso/x.iso", "raw", true).args,
            json({{"id", "cd0"}, {"filename", "/iso/x.iso"}, {"format", "raw"},
                  {"read-only-mode", "read-only"}}));
  EXPECT_EQ(cmd::eject("cd0", true).args, json({{"id", "cd0"}, {"force", true}}));
  EXPECT_EQ(cmd::eject("cd0").args, json({{"id", "cd0"}}));
  EXPECT_EQ(cmd::blockResize("n1", 1 << 20).args, json({{"node-name", "n1"}, {"size", 1 << 20}}));
  EXPECT_EQ(cmd::sendKey({"ctrl", "alt", "delete"}, 100).args["hold-time"], 100);
  EXPECT_EQ(cmd::humanMonitorCommand("info qtree").args, json({{"command-line", "info qtree"}}));
  EXPECT_EQ(cmd::dumpGuestMemory("fd:core", true, true).args,
            json({{"paging", true}, {"protocol", "fd:core"}, {"detach", true}}));
  EXPECT_EQ(cmd::migrate("fd:save").args, json({{"uri", "fd:save"}}));
  EXPECT_EQ(cmd::closefd("x").args, json({{"fdname", "x"}}));

  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  ::close(p[0]);
  auto g = cmd::getfd("tapfd0", UniqueFd(p[1]));
  EXPECT_EQ(g.args, json({{"fdname", "tapfd0"}}));
  EXPECT_EQ(g.fd.get(), p[1]);
}

TEST(Replies, StatusAndFriends) {
  auto s =
      parseStatus(json::parse(R"({"status": "paused", "singlestep": false, "running": false})"));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->status, "paused");
  EXPECT_FALSE(parseStatus(json::parse(R"({"status": "paused"})")));
  EXPECT_FALSE(parseStatus(json::parse(R"({"status": 3, "running": true})")));
  EXPECT_FALSE(parseStatus(json::array()));

  EXPECT_EQ(*parseBalloon(json::parse(R"({"actual": 1073741824})")), 1073741824);
  EXPECT_FALSE(parseBalloon(json::parse(R"({"actual": -1.5})")));
  EXPECT_FALSE(parseBalloon(json::parse(R"({"actual": 18446744073709551615})")));

  auto vnc = parseVnc(json::parse(
      R"({"enabled": true, "host": "127.0.0.1", "service": "5901", "family": "ipv4",)"
      R"( "auth": "none", "clients": []})"));
  ASSERT_TRUE(vnc);
  EXPECT_EQ(vnc->service, "5901");
  EXPECT_FALSE(parseVnc(json::object()));

  auto mig = parseMigration(json::parse(
      R"({"status": "active", "ram": {"transferred": 10, "remaining": 20, "total": 30}})"));
  ASSERT_TRUE(mig);
  EXPECT_EQ(mig->ramRemaining, 20);
  auto failed = parseMigration(json::parse(R"({"status": "failed", "error-desc": "disk full"})"));
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->errorDesc, "disk full");
  EXPECT_FALSE(parseMigration(json::parse(R"({"status": 5})")));

  EXPECT_FALSE(parseCpusFast(json::parse(R"([{"cpu-index": 0}])")));
  EXPECT_FALSE(parseCpusFast(json::object()));
  auto fdset = parseAddFd(json::parse(R"({"fdset-id": 1, "fd": 23})"));
  ASSERT_TRUE(fdset);
  EXPECT_EQ(fdset->fd, 23);
  EXPECT_FALSE(parseHumanMonitor(json::object()));
}

Event ev(const char* name, const char* data) { return Event{name, json::parse(data), 0, 0}; }

TEST(Replies, Events) {
  auto sd = parseShutdownEvent(ev("SHUTDOWN", R"({"guest": true, "reason": "guest-shutdown"})"));
  ASSERT_TRUE(sd);
  EXPECT_TRUE(sd->guest);
  auto rs = parseShutdownEvent(ev("RESET", R"({"guest": true, "reason": "guest-reset"})"));
  ASSERT_TRUE(rs);
  EXPECT_EQ(rs->reason, "guest-reset");
  EXPECT_FALSE(parseShutdownEvent(ev("SHUTDOWN", R"({"guest": "yes", "reason": "x"})")));

  auto p = parseGuestPanickedEvent(ev("GUEST_PANICKED", R"({"action": "pause"})"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->action, "pause");
  EXPECT_TRUE(p->info.is_null());

  auto d = parseDeviceDeletedEvent(
      ev("DEVICE_DELETED", R"({"device": "nic1", "path": "/machine/peripheral/nic1"})"));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->device, "nic1");
  auto anon = parseDeviceDeletedEvent(
      ev("DEVICE_DELETED", R"({"path": "/machine/peripheral-anon/device[0]/virtio-backend"})"));
  ASSERT_TRUE(anon);
  EXPECT_EQ(anon->device, "");
  EXPECT_FALSE(parseDeviceDeletedEvent(ev("DEVICE_DELETED", R"({})")));

  auto b = parseBalloonChangeEvent(ev("BALLOON_CHANGE", R"({"actual": 536870912})"));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->actual, 536870912);
}

}  // namespace
}  // namespace xenia::qmp

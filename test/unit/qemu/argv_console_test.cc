// qemu/argv character devices: PV console and XenStore channel on
// virtio-serial, serial port specs and their host ends, the extra monitor,
// the parallel port, and the refusals.
#include "argv_test_util.h"

namespace xenia::qemu {
namespace {

using namespace test;
using K = ChardevSpec::Kind;

TEST(ArgvConsole, HvmHasXenstoreChannelButNoPvConsole) {
  auto c = baseHvm();
  Argv argv = build(c);
  auto devs = values(argv, "-device");
  EXPECT_TRUE(has(devs, "virtio-serial-pci,id=vserial0"));
  EXPECT_EQ(withPrefix(argv, "-device", "virtconsole").size(), 0u);
  EXPECT_EQ(withPrefix(argv, "-device", "virtserialport").size(), 1u);
  EXPECT_EQ(withPrefix(argv, "-device", "isa-serial").size(), 0u);  // serial= unset
}

TEST(ArgvConsole, SerialSpecs) {
  auto c = baseHvm();
  c.serial = {"pty", "file:/var/log/xen/g,1.log", "unix:/run/s.sock,server,nowait",
              "tcp::4555,server"};
  Argv argv = build(c);
  auto chardevs = values(argv, "-chardev");
  EXPECT_TRUE(has(chardevs, "pty,id=charserial0"));
  EXPECT_TRUE(has(chardevs, "file,id=charserial1,path=/var/log/xen/g,,1.log"));
  EXPECT_TRUE(has(chardevs, "socket,id=charserial2,path=/run/s.sock,server=on,wait=off"));
  EXPECT_TRUE(has(chardevs, "socket,id=charserial3,port=4555,server=on,wait=off"));
  auto devs = values(argv, "-device");
  EXPECT_TRUE(has(devs, "isa-serial,chardev=charserial0,id=serial0,index=0"));
  EXPECT_TRUE(has(devs, "isa-serial,chardev=charserial3,id=serial3,index=3"));

  c.serial = {"none", "null", "vc", "/dev/ttyS1"};
  argv = build(c);
  chardevs = values(argv, "-chardev");
  EXPECT_FALSE(has(chardevs, "pty,id=charserial0"));
  EXPECT_TRUE(has(chardevs, "null,id=charserial1"));
  EXPECT_TRUE(has(chardevs, "vc,id=charserial2"));
  EXPECT_TRUE(has(chardevs, "serial,id=charserial3,path=/dev/ttyS1"));
  EXPECT_EQ(withPrefix(argv, "-device", "isa-serial").size(), 3u);

  c.serial = {"pipe:/run/p", "telnet:127.0.0.1:9999,listen", "udp:127.0.0.1:9999@:9998",
              "unix:/run/u.sock,listen"};
  chardevs = values(build(c), "-chardev");
  EXPECT_TRUE(has(chardevs, "pipe,id=charserial0,path=/run/p"));
  EXPECT_TRUE(has(chardevs,
                  "socket,id=charserial1,host=127.0.0.1,port=9999,telnet=on,server=on,wait=off"));
  EXPECT_TRUE(has(chardevs, "udp,id=charserial2,host=127.0.0.1,port=9999,localport=9998"));
  EXPECT_TRUE(has(chardevs, "socket,id=charserial3,path=/run/u.sock,server=on,wait=off"));

  c.serial = {"tcp:10.0.0.9:4555,nodelay"};
  EXPECT_TRUE(has(values(build(c), "-chardev"),
                  "socket,id=charserial0,host=10.0.0.9,port=4555,nodelay=on,reconnect=1"));
}

TEST(ArgvConsole, PtySerialsTakeTheirHostEndFromFacts) {
  auto c = baseHvm();
  c.serial = {"pty"};
  auto f = facts(c);
  f.serials = {ChardevSpec{K::kUnixListen, "/run/xenia/domain/7/serial0.sock", "", 0}};
  EXPECT_TRUE(has(values(build(c, f), "-chardev"),
                  "socket,id=charserial0,path=/run/xenia/domain/7/serial0.sock,server=on,"
                  "wait=off"));
  // A PV guest's implicit ttyS0 too.
  auto p = basePv();
  f = facts(p);
  f.serials = {ChardevSpec{K::kFile, "/var/log/xenia/pv1.serial", "", 0}};
  EXPECT_TRUE(has(values(build(p, f), "-chardev"),
                  "file,id=charserial0,path=/var/log/xenia/pv1.serial"));
}

TEST(ArgvConsole, SerialRefusals) {
  auto c = baseHvm();
  c.serial = {"stdio"};
  EXPECT_EQ(buildError(c).field, "serial");
  c.serial = {"pty", "mon:stdio"};
  EXPECT_EQ(buildError(c).field, "serial[1]");
  c.serial = {"tcp:host:port"};
  EXPECT_EQ(buildError(c).code, TranslateErrc::kUnsupported);
  c.serial = {"udp:host"};
  EXPECT_EQ(buildError(c).code, TranslateErrc::kUnsupported);
  c.serial = {"unix:/x,bogus"};
  EXPECT_EQ(buildError(c).code, TranslateErrc::kUnsupported);
  c.serial = {"tcp::0"};
  EXPECT_EQ(buildError(c).code, TranslateErrc::kInvalidValue);
  c.serial.assign(5, "pty");
  EXPECT_EQ(buildError(c).code, TranslateErrc::kLimitExceeded);
  c.serial = {"unix:/" + std::string(120, 's')};
  EXPECT_EQ(buildError(c).code, TranslateErrc::kInvalidValue);
}

TEST(ArgvConsole, PvConsoleBackends) {
  auto c = basePv();
  auto f = facts(c);
  f.console = ChardevSpec{};  // pty
  EXPECT_TRUE(has(values(build(c, f), "-chardev"), "pty,id=charconsole0"));
  f.console = ChardevSpec{K::kUnixListen, "", "", 0};
  EXPECT_EQ(buildError(c, f).field, "console");
  f = facts(c);
  f.caps.devices.erase("virtconsole");
  EXPECT_EQ(buildError(c, f).code, TranslateErrc::kMissingCapability);
}

TEST(ArgvConsole, XenstoreSocketIsRequired) {
  auto c = basePv();
  auto f = facts(c);
  f.xenstoreSocket.clear();
  EXPECT_EQ(buildError(c, f).code, TranslateErrc::kMissingHostFact);
  f.xenstoreSocket = "/" + std::string(110, 'x');
  EXPECT_EQ(buildError(c, f).field, "xenstore");
}

TEST(ArgvConsole, ExtraMonitor) {
  auto c = baseHvm();
  c.monitor = "1";
  EXPECT_EQ(buildError(c).field, "monitor");  // no window to show it in
  c.graphics.vnc = true;
  Argv argv = build(c);
  EXPECT_TRUE(has(values(argv, "-chardev"), "vc,id=charmonitor"));
  EXPECT_TRUE(has(values(argv, "-mon"), "chardev=charmonitor,mode=readline"));
  c.monitor = "unix:/run/mon.sock,server,nowait";
  EXPECT_TRUE(has(values(build(c), "-chardev"),
                  "socket,id=charmonitor,path=/run/mon.sock,server=on,wait=off"));
  c.monitor = "0";
  EXPECT_EQ(values(build(c), "-mon").size(), 1u);  // QMP only
  c.monitor = "telnet:1";
  EXPECT_EQ(buildError(c).code, TranslateErrc::kUnsupported);
}

TEST(ArgvConsole, ParallelPort) {
  auto c = baseHvm();
  c.parallel = "file:/tmp/lp";
  Argv argv = build(c);
  EXPECT_TRUE(has(values(argv, "-chardev"), "file,id=charparallel0,path=/tmp/lp"));
  EXPECT_TRUE(has(values(argv, "-device"), "isa-parallel,chardev=charparallel0,id=parallel0"));
  c.parallel = "none";
  EXPECT_EQ(withPrefix(build(c), "-device", "isa-parallel").size(), 0u);
  c.parallel = "lpt";
  EXPECT_EQ(buildError(c).field, "parallel");
}

}  // namespace
}  // namespace xenia::qemu

// qemu/argv graphics, sound, USB and PCI passthrough: VGA kinds and video
// memory, VNC address/display/password, SDL, PV framebuffers, keymaps,
// soundhw, usbdevice, vfio-pci, and the refusals.
#include "argv_test_util.h"

namespace xenia::qemu {
namespace {

using namespace test;

TEST(ArgvDisplay, HvmVgaWithoutDisplay) {
  auto c = baseHvm();
  Argv argv = build(c);
  EXPECT_TRUE(has(values(argv, "-device"), "cirrus-vga,vgamem_mb=8,id=video0"));
  EXPECT_EQ(values(argv, "-display"), std::vector<std::string>{"none"});
  EXPECT_TRUE(values(argv, "-vnc").empty());

  c.stdvga = true;
  EXPECT_TRUE(has(values(build(c), "-device"), "VGA,vgamem_mb=16,id=video0"));
  c.videoram = 64;
  EXPECT_TRUE(has(values(build(c), "-device"), "VGA,vgamem_mb=64,id=video0"));
  c.videoram = 24;
  EXPECT_EQ(buildError(c).field, "videoram");
  c.stdvga = false;
  c.videoram = 16;
  EXPECT_TRUE(has(values(build(c), "-device"), "cirrus-vga,vgamem_mb=16,id=video0"));
  c.videoram = 32;
  EXPECT_EQ(buildError(c).code, TranslateErrc::kInvalidValue);
}

TEST(ArgvDisplay, Vnc) {
  auto c = baseHvm();
  c.graphics.vnc = true;
  EXPECT_EQ(values(build(c), "-vnc"), std::vector<std::string>{"127.0.0.1:0,to=99"});
  c.graphics.vncdisplay = 5;
  c.graphics.vncunused = false;
  c.graphics.vnclisten = "0.0.0.0";
  EXPECT_EQ(values(build(c), "-vnc"), std::vector<std::string>{"0.0.0.0:5"});
  c.graphics.vnclisten = "::";
  EXPECT_EQ(values(build(c), "-vnc"), std::vector<std::string>{"[::]:5"});

  auto f = facts(c);
  f.vncDisplay = 12;  // xend's choice wins
  EXPECT_EQ(values(build(c, f), "-vnc"), std::vector<std::string>{"[::]:12"});

  c.graphics.vncpasswd = "s3cret";
  Argv argv = build(c);
  EXPECT_EQ(values(argv, "-vnc"), std::vector<std::string>{"[::]:5,password=on"});
  for (const std::string& a : argv) {
    EXPECT_EQ(a.find("s3cret"), std::string::npos) << a;
  }
  c.graphics.vncpasswd = "";  // explicitly no password
  EXPECT_EQ(values(build(c), "-vnc"), std::vector<std::string>{"[::]:5"});

  c.graphics.vncdisplay = 60000;
  EXPECT_EQ(buildError(c).field, "vncdisplay");
}

TEST(ArgvDisplay, Keymap) {
  auto c = baseHvm();
  c.graphics.keymap = "de";
  EXPECT_TRUE(values(build(c), "-k").empty());  // no VNC/SDL: nothing to type into
  c.graphics.vnc = true;
  EXPECT_EQ(values(build(c), "-k"), std::vector<std::string>{"de"});
  c.graphics.keymap = "de,x";
  EXPECT_EQ(buildError(c).field, "keymap");
}

TEST(ArgvDisplay, Sdl) {
  auto c = baseHvm();
  c.graphics.sdl = true;
  EXPECT_EQ(values(build(c), "-display"), std::vector<std::string>{"sdl"});
  c.graphics.opengl = true;
  EXPECT_EQ(values(build(c), "-display"), std::vector<std::string>{"sdl,gl=on"});
  auto f = facts(c);
  f.caps.displays.erase("sdl");
  EXPECT_EQ(buildError(c, f).code, TranslateErrc::kMissingCapability);
  c.graphics.sdl = false;
  c.graphics.vnc = true;
  EXPECT_EQ(buildError(c).field, "opengl");
}

TEST(ArgvDisplay, Nographic) {
  auto c = baseHvm();
  c.nographic = true;
  Argv argv = build(c);
  EXPECT_EQ(withPrefix(argv, "-device", "cirrus-vga").size(), 0u);
  c.graphics.vnc = true;
  EXPECT_EQ(buildError(c).field, "nographic");
}

TEST(ArgvDisplay, PvFramebuffer) {
  auto c = basePv();
  EXPECT_EQ(withPrefix(build(c), "-device", "virtio-vga").size(), 0u);
  config::Graphics fb;
  fb.vnc = true;
  fb.vncdisplay = 3;
  fb.vncunused = false;
  c.vfbs = {fb};
  Argv argv = build(c);
  auto devs = values(argv, "-device");
  EXPECT_TRUE(has(devs, "virtio-vga,id=video0"));
  EXPECT_TRUE(has(devs, "virtio-tablet-pci,id=input0"));
  EXPECT_EQ(values(argv, "-vnc"), std::vector<std::string>{"127.0.0.1:3"});
  c.vfbs = {fb, fb};
  EXPECT_EQ(buildError(c).code, TranslateErrc::kLimitExceeded);

  auto h = baseHvm();
  h.vfbs = {fb};
  EXPECT_EQ(buildError(h).field, "vfb");
}

TEST(ArgvDisplay, Sound) {
  auto c = baseHvm();
  c.soundhw = "ac97,hda";
  c.graphics.vnc = true;
  Argv argv = build(c);
  EXPECT_EQ(values(argv, "-audiodev"), std::vector<std::string>{"none,id=audio0"});
  auto devs = values(argv, "-device");
  EXPECT_TRUE(has(devs, "AC97,audiodev=audio0,id=sound0"));
  EXPECT_TRUE(has(devs, "intel-hda,id=sound1"));
  EXPECT_TRUE(has(devs, "hda-duplex,bus=sound1.0,audiodev=audio0,id=sound1-codec0"));
  EXPECT_EQ(values(argv, "-vnc"), std::vector<std::string>{"127.0.0.1:0,to=99,audiodev=audio0"});
  c.soundhw = "all";
  EXPECT_EQ(buildError(c).field, "soundhw");
  auto p = basePv();
  p.soundhw = "ac97";
  EXPECT_EQ(buildError(p).code, TranslateErrc::kUnsupported);
}

TEST(ArgvUsb, ControllerAndDevices) {
  auto c = baseHvm();
  EXPECT_EQ(withPrefix(build(c), "-device", "piix3-usb-uhci").size(), 0u);
  c.usb = true;
  EXPECT_TRUE(has(values(build(c), "-device"), "piix3-usb-uhci,id=usb"));
  c.usb = false;
  c.usbdevice = {"tablet", "host:046d:c52b", "host:3.7", "mouse", "keyboard"};
  auto devs = values(build(c), "-device");
  EXPECT_TRUE(has(devs, "piix3-usb-uhci,id=usb"));
  EXPECT_TRUE(has(devs, "usb-tablet,bus=usb.0,id=usbdev0"));
  EXPECT_TRUE(has(devs, "usb-host,vendorid=0x046d,productid=0xc52b,bus=usb.0,id=usbdev1"));
  EXPECT_TRUE(has(devs, "usb-host,hostbus=3,hostaddr=7,bus=usb.0,id=usbdev2"));
  EXPECT_TRUE(has(devs, "usb-mouse,bus=usb.0,id=usbdev3"));
  EXPECT_TRUE(has(devs, "usb-kbd,bus=usb.0,id=usbdev4"));

  c.usbdevice = {"host:zz:1"};
  EXPECT_EQ(buildError(c).code, TranslateErrc::kInvalidValue);
  c.usbdevice = {"braille"};
  EXPECT_EQ(buildError(c).field, "usbdevice[0]");
  c.usbdevice = {"tablet"};
  auto f = facts(c);
  f.caps.devices.erase("usb-tablet");
  EXPECT_EQ(buildError(c, f).code, TranslateErrc::kMissingCapability);
}

TEST(ArgvPci, Vfio) {
  auto c = baseHvm();
  config::PciDevice p;
  p.bus = 3;
  p.slot = 0;
  p.func = 1;
  c.pci = {p};
  EXPECT_TRUE(has(values(build(c), "-device"), "vfio-pci,host=0000:03:00.1,id=hostdev0"));
  c.pci[0].vslot = 5;
  EXPECT_TRUE(has(values(build(c), "-device"),
                  "vfio-pci,host=0000:03:00.1,addr=0x05.1,id=hostdev0"));
  c.pci[0].vslot = 1;
  EXPECT_EQ(buildError(c).field, "pci[0]");
  c.pci[0].vslot.reset();
  c.pci[0].slot = 0x20;
  EXPECT_EQ(buildError(c).code, TranslateErrc::kInvalidValue);
  c.pci[0].slot = 0;
  auto f = facts(c);
  f.caps.devices.erase("vfio-pci");
  EXPECT_EQ(buildError(c, f).code, TranslateErrc::kMissingCapability);
}

}  // namespace
}  // namespace xenia::qemu

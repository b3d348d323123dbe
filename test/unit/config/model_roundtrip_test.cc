// Round trips: model -> JSON -> model and model -> SXP -> model are exact,
// for rich configs in both dialects; and SXP as real xend wrote it reads in.
#include <gtest/gtest.h>

#include "config/model/json.h"
#include "config/model/sxp.h"
#include "test/unit/config/model_test_util.h"

namespace xenia::config {
namespace {

using testing::buildXl;
using testing::buildXm;
using testing::list;
using testing::num;
using testing::str;

const char* kRichPv = R"(
name = "rich-pv"
uuid = "4a3d5b6c000040008000123456789abc"
kernel = "/boot/vmlinuz"
ramdisk = "/boot/initrd.img"
root = "/dev/xvda1 ro"
extra = "console=hvc0 quiet"
memory = 512
maxmem = 1024
vcpus = 2
maxvcpus = 4
cpus = ["0-1", "2,^3", "", "5"]
cpu_weight = 512
cpu_cap = 150
description = "all the things"
disk = [ "phy:/dev/vg/root,xvda,w", "tap:qcow2:/var/img/data.qcow2,xvdb,w",
         "format=vhd, vdev=xvdc, access=ro, target=/var/img/old.vhd",
         "nbd:10.0.0.5 20004,xvdd,w", "/var/img/x.iso,,xvde,cdrom",
         "/var/img/y.img,raw,xvdf,rw,direct-io-safe,discard,script=custom,backend=dd" ]
vif = [ "mac=00:16:3e:01:02:03,bridge=xenbr10,ip=10.0.0.2 10.0.0.3,rate=10Mb/s@20ms",
        "bridge=xenbr20,model=e1000,vifname=web1,script=vif-route,gatewaydev=eth1,mtu=9000",
        "type=vif" ]
vfb = [ "vnc=1,vncunused=0,vncdisplay=7,vnclisten=0.0.0.0,vncpasswd=,keymap=fr" ]
pci = [ "0000:03:00.0@5,permissive=1,msitranslate=0", "04:00.1-2,seize=1,power_mgmt=1" ]
cpuid = "host,tm=0,sse3=0,family=6"
on_poweroff = "preserve"
on_reboot = "rename-restart"
on_crash = "coredump-restart"
nomigrate = 1
localtime = 1
rtc_timeoffset = "-3600"
serial = ["pty", "file:/var/log/x.log"]
vmid = 3
some_list = ["a", 1, ["b"]]
)";

const char* kRichHvm = R"(
name = "rich-hvm"
type = "hvm"
firmware = "ovmf"
memory = 2048
vcpus = 4
disk = [ "/var/img/w.img,,hda,w", ",,hdc,cdrom" ]
vif = [ "type=ioemu,model=rtl8139,bridge=xenbr0" ]
boot = "dc"
acpi = 0
hpet = 1
viridian = 1
hap = 0
nestedhvm = 1
timer_mode = "no_missed_ticks_pending"
tsc_mode = "native"
vnc = 1
vncdisplay = 2
vncpasswd = "secret"
sdl = 0
stdvga = 1
videoram = 16
usb = 1
usbdevice = ["tablet", "host:1234:5678"]
soundhw = "ac97"
serial = "pty"
cpuid = [ "1:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx0,edx=0x00000001",
          "7,0:ebx=kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk" ]
pci_msitranslate = 0
pci_power_mgmt = 1
)";

DomainConfig rich(const char* text) {
  auto d = buildXl(text);
  EXPECT_TRUE(d) << d.error().format();
  return d ? *d : DomainConfig{};
}

DomainConfig richXm() {
  auto d = buildXm({{"name", str("xm-rich")},
                    {"kernel", str("/k")},
                    {"root", str("/dev/nfs")},
                    {"nfs_server", str("10.0.0.1")},
                    {"nfs_root", str("/export/vm")},
                    {"ip", str("10.0.0.9")},
                    {"dhcp", str("off")},
                    {"bootloader", str("/usr/bin/pygrub")},
                    {"bootargs", str("--entry=1")},
                    {"vcpus", num(8)},
                    {"vcpu_avail", num(7)},
                    {"cpus", str("0-3,^1,1")},
                    {"disk", list({str("file:/img/a.img,ioemu:hda,w"),
                                   str("tap:cdrom:/dev/sr0,xvdc,r"),
                                   str(",hdc:cdrom,r"),
                                   str("phy:/dev/sdb,sdb,w!,0,x86_32-abi")})},
                    {"vif", list({str("mac=00:16:3e:00:00:44, bridge=xenbr10"),
                                  str("mac=00:16:e3:00:00:45, bridge=xenbr20, accel=x")})},
                    {"on_xend_start", str("start")},
                    {"on_xend_stop", str("suspend")},
                    {"keymap", str("de")},
                    {"vfb", list({str("type=vnc, vncunused=1")})},
                    {"cpuid", list({str("0x80000001:ecx=0x00000000")})}});
  EXPECT_TRUE(d) << d.error().format();
  return d ? *d : DomainConfig{};
}

void expectJsonRoundTrip(const DomainConfig& d) {
  SeededRandom rng(99);
  std::string text = domainToJsonText(d);
  auto back = domainFromJsonText(text, rng);
  ASSERT_TRUE(back) << back.error().format() << "\n" << text;
  EXPECT_EQ(*back, d);
  EXPECT_EQ(domainToJsonText(*back), text);
}

void expectSxpRoundTrip(const DomainConfig& d) {
  SeededRandom rng(99);
  std::string text = domainToSxpText(d);
  auto back = domainFromSxpText(text, "rt.sxp", rng);
  ASSERT_TRUE(back) << back.error().format() << "\n" << text;
  EXPECT_EQ(*back, d) << text;
  EXPECT_EQ(domainToSxpText(*back), text);
}

TEST(ModelRoundTrip, Json) {
  expectJsonRoundTrip(rich(kRichPv));
  expectJsonRoundTrip(rich(kRichHvm));
  expectJsonRoundTrip(richXm());
}

TEST(ModelRoundTrip, Sxp) {
  expectSxpRoundTrip(rich(kRichPv));
  expectSxpRoundTrip(rich(kRichHvm));
  expectSxpRoundTrip(richXm());
}

TEST(ModelRoundTrip, RichConfigsMeanWhatTheySay) {
  DomainConfig pv = rich(kRichPv);
  EXPECT_EQ(pv.uuid, "4a3d5b6c-0000-4000-8000-123456789abc");
  EXPECT_EQ(pv.cmdline, "root=/dev/xvda1 ro console=hvc0 quiet");
  ASSERT_EQ(pv.vcpuCpus.size(), 4u);
  EXPECT_TRUE(pv.vcpuCpus[2].cpus.empty());
  ASSERT_TRUE(pv.vifs[0].rate);
  EXPECT_EQ(pv.vifs[0].rate->bytesPerInterval, 25000u);  // 10 Mbit/s for 20 ms
  EXPECT_EQ(pv.vifs[0].rate->intervalUsec, 20000u);
  EXPECT_EQ(pv.vifs[0].ip, (std::vector<std::string>{"10.0.0.2", "10.0.0.3"}));
  ASSERT_EQ(pv.pci.size(), 3u);
  EXPECT_EQ(pv.pci[0].vslot, std::optional<int>(5));
  EXPECT_EQ(pv.pci[2].func, 2);
  EXPECT_EQ(pv.vfbs[0].vncpasswd, std::optional<std::string>(""));
  EXPECT_EQ(pv.disks[4].devtype, DiskDevType::kCdrom);
  EXPECT_EQ(pv.otherKeys.size(), 2u);

  DomainConfig xm = richXm();
  EXPECT_EQ(xm.cmdline,
            "root=/dev/nfs ip=10.0.0.9:10.0.0.1:::::off nfsroot=10.0.0.1:/export/vm");
  EXPECT_EQ(xm.vcpus, 3);
  EXPECT_EQ(xm.maxvcpus, 8);
  ASSERT_TRUE(xm.cpus);
  EXPECT_EQ(xm.cpus->cpus, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(xm.vfbs[0].keymap, "de");
  EXPECT_EQ(xm.cpuid.leaves[0].leaf, 0x80000001u);
  EXPECT_EQ(xm.cpuid.leaves[0].regs[0].second, std::string(32, '0'));
}

TEST(ModelSxp, LayoutFollowsXend) {
  DomainConfig d = rich(kRichHvm);
  SxpRuntime rt;
  rt.domid = 3;
  rt.status = 2;
  std::string text = domainToSxpText(d, rt);
  EXPECT_EQ(text.rfind("(domain\n    (domid 3)\n    (cpu_weight 256)\n    (cpu_cap 0)\n", 0), 0u)
      << text;
  EXPECT_NE(text.find("(image\n        (hvm\n"), std::string::npos) << text;
  EXPECT_NE(text.find("(device\n        (vif\n            (mac 00:16:3e:"), std::string::npos)
      << text;
  EXPECT_NE(text.find("(status 2)"), std::string::npos);
}

// Real `xm list -l` output, from libvirt's sexpr2xml test data.
TEST(ModelSxp, ReadsRealXendDumps) {
  SeededRandom rng(1);
  auto fv = domainFromSxpText(
      "(domain (domid 3)(name 'fvtest')(memory 400)(maxmem 400)(vcpus 1)"
      "(uuid 'b5d70dd275cdaca517769660b059d8bc')(on_poweroff 'destroy')(on_reboot 'restart')"
      "(on_crash 'restart')(image (hvm (kernel '/usr/lib/xen/boot/hvmloader')"
      "(device_model '/usr/lib64/xen/bin/qemu-dm')(boot c)(acpi 1)(vnc 1)(keymap ja)))"
      "(device (vbd (dev 'hda:disk')(uname 'file:/root/foo.img')(mode 'w')))"
      "(device (vbd (dev 'hdc:cdrom')(uname 'file:/root/boot.iso')(mode 'r')))"
      "(device (vif (mac '00:16:3e:1b:b1:47')(bridge 'xenbr0')(script 'vif-bridge')"
      "(type ioemu))))\n",
      "fv.sxp", rng);
  ASSERT_TRUE(fv) << fv.error().format();
  EXPECT_EQ(fv->type, GuestType::kHvm);
  EXPECT_EQ(fv->uuid, "b5d70dd2-75cd-aca5-1776-9660b059d8bc");
  EXPECT_EQ(fv->kernel, "");  // hvmloader is the firmware loader
  EXPECT_TRUE(fv->graphics.vnc);
  EXPECT_EQ(fv->graphics.keymap, "ja");
  ASSERT_EQ(fv->disks.size(), 2u);
  EXPECT_EQ(fv->disks[1].devtype, DiskDevType::kCdrom);
  EXPECT_EQ(fv->vifs[0].type, VifType::kIoemu);

  auto pv = domainFromSxpText(
      "(domain (domid 6)(name 'pvtest')(memory 420)(maxmem 420)(vcpus 2)"
      "(uuid '596a5d2171f48fb2e068e2386a5c413e')(on_poweroff 'destroy')(on_reboot 'destroy')"
      "(on_crash 'destroy')(image (linux (kernel '/var/lib/xen/vmlinuz.2Dn2YT')"
      "(ramdisk '/var/lib/xen/initrd.img.0u-Vhq')(args ' method=http://x/os  ')))"
      "(device (pci (backend 0)(dev (domain 0x0001) (bus 0x0c) (slot 0x1b) (func 0x2))"
      "(dev (domain 0x0000) (bus 0x01) (slot 0x13) (func 0x0))))"
      "(device (vbd (dev 'xvda')(uname 'phy:/dev/MainVG/GuestVG')(mode 'w')))"
      "(device (vfb (type vnc)(vncunused 1)(vnclisten 0.0.0.0)(vncpasswd 123456)"
      "(keymap ja))))\n",
      "pv.sxp", rng);
  ASSERT_TRUE(pv) << pv.error().format();
  ASSERT_EQ(pv->pci.size(), 2u);
  EXPECT_EQ(pv->pci[0].domain, 1);
  EXPECT_EQ(pv->pci[0].bus, 0x0c);
  EXPECT_EQ(pv->pci[0].slot, 0x1b);
  EXPECT_EQ(pv->pci[0].func, 2);
  ASSERT_EQ(pv->vfbs.size(), 1u);
  EXPECT_EQ(pv->vfbs[0].vncpasswd, std::optional<std::string>("123456"));
  EXPECT_EQ(pv->cmdline, " method=http://x/os  ");
  EXPECT_EQ(pv->vifs.size(), 0u);
}

// What `xm create -n` printed (make_config's (vm ...) layout), as `xm create -F` reads it.
TEST(ModelSxp, ReadsXmCreateDryRunConfigs) {
  SeededRandom rng(1);
  auto vm = domainFromSxpText(
      "(vm (name web) (memory 256) (vcpu_avail 1) (vcpus 2) (cpus '0-1')\n"
      " (on_xend_start start) (bootloader /usr/bin/pygrub) (bootloader_args -q)\n"
      " (image (linux (kernel /boot/vmlinuz) (ip 10.0.0.2:127.0.255.255::::eth0:off)\n"
      "   (root '/dev/sda1 ro') (args console=hvc0)))\n"
      " (s3_integrity 1) (backend (blkif))\n"
      " (device (vbd (uname phy:/dev/vg/web) (dev xvda) (mode w)))\n"
      " (device (vif (bridge xenbr0) (rate 10MB/s)))\n"
      " (device (vkbd))\n"
      " (device (vfb (vnc 1) (vncunused 1) (keymap de))))\n",
      "web.sxp", rng);
  ASSERT_TRUE(vm) << vm.error().format();
  EXPECT_EQ(vm->cmdline, "root=/dev/sda1 ro ip=10.0.0.2:127.0.255.255::::eth0:off console=hvc0");
  EXPECT_EQ(vm->extra, "console=hvc0");
  EXPECT_EQ(vm->vcpus, 1);
  EXPECT_EQ(vm->maxvcpus, 2);
  ASSERT_TRUE(vm->cpus);
  EXPECT_EQ(vm->cpus->cpus, (std::vector<int>{0, 1}));
  EXPECT_EQ(vm->onXendStart, XendStartAction::kStart);
  EXPECT_EQ(vm->bootloaderArgs, "-q");
  ASSERT_EQ(vm->vifs.size(), 1u);
  EXPECT_EQ(vm->vifs[0].mac.substr(0, 9), "00:16:3e:");  // generated
  EXPECT_EQ(vm->vifs[0].rate->bytesPerInterval, 500000u);
  ASSERT_EQ(vm->vfbs.size(), 1u);
  EXPECT_EQ(vm->vfbs[0].keymap, "de");
  expectSxpRoundTrip(*vm);
}

TEST(ModelSxp, Errors) {
  SeededRandom rng(1);
  auto notDomain = domainFromSxpText("(vif (mac x))", "a.sxp", rng);
  ASSERT_FALSE(notDomain);
  EXPECT_EQ(notDomain.error().format(),
            "a.sxp:1: Expected a (domain ...) or (vm ...) configuration.");
  auto badMem = domainFromSxpText("(domain (name a)\n (memory lots))", "b.sxp", rng);
  ASSERT_FALSE(badMem);
  EXPECT_EQ(badMem.error().format(), "b.sxp:2: memory: Expected an integer, got 'lots'.");
}

TEST(ModelJson, StrictAboutKeysAndTypes) {
  SeededRandom rng(1);
  auto unknown = domainFromJsonText(R"({"name": "a", "kernel": "/k", "colour": "red"})", rng);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().format(), "colour: Unknown key.");
  auto type = domainFromJsonText(R"({"name": "a", "kernel": "/k", "memory": "512"})", rng);
  ASSERT_FALSE(type);
  EXPECT_EQ(type.error().format(), "memory: Expected an integer.");
  auto nested = domainFromJsonText(
      R"({"name": "a", "kernel": "/k", "disks": [{"vdev": "xvda", "target": "/x", "mode": "rx"}]})",
      rng);
  ASSERT_FALSE(nested);
  EXPECT_EQ(nested.error().format(), "disks[0].mode: 'rx' is not a valid value.");
  auto minimal = domainFromJsonText(R"({"name": "a", "kernel": "/k"})", rng);
  ASSERT_TRUE(minimal) << minimal.error().format();
  EXPECT_EQ(minimal->memory, 128);
}

}  // namespace
}  // namespace xenia::config

// Building the model from config files: key mapping, defaults per dialect,
// generated ids, and the validation errors (with field and file:line).
#include <gtest/gtest.h>

#include "test/unit/config/model_test_util.h"

namespace xenia::config {
namespace {

using testing::buildXl;
using testing::buildXm;
using testing::list;
using testing::num;
using testing::str;

std::string errorOf(const Expected<DomainConfig, ModelError>& r) {
  EXPECT_FALSE(r.has_value());
  return r ? "" : r.error().format();
}

TEST(ModelBuild, NetBsdDomU) {
  auto d = buildXm({{"kernel", str("/boot/netbsd-INSTALL_XEN3_DOMU")},
                    {"memory", num(256)},
                    {"name", str("netbsd")},
                    {"vif", list({str("mac=00:16:3e:00:00:11, bridge=xenbr0")})},
                    {"disk", list({str("phy:/dev/xen/netbsd,hda,w")})},
                    {"on_poweroff", str("destroy")},
                    {"on_reboot", str("restart")},
                    {"on_crash", str("restart")}});
  ASSERT_TRUE(d) << d.error().format();
  EXPECT_EQ(d->name, "netbsd");
  EXPECT_EQ(d->type, GuestType::kPv);
  EXPECT_EQ(d->memory, 256);
  EXPECT_EQ(d->maxmem, 256);
  ASSERT_EQ(d->vifs.size(), 1u);
  EXPECT_EQ(d->vifs[0].mac, "00:16:3e:00:00:11");
  EXPECT_EQ(d->vifs[0].bridge, "xenbr0");
  ASSERT_EQ(d->disks.size(), 1u);
  EXPECT_EQ(d->disks[0].target, "/dev/xen/netbsd");
  EXPECT_EQ(d->disks[0].vdev, "hda");
  EXPECT_EQ(d->onCrash, Action::kRestart);
  EXPECT_EQ(d->uuid.size(), 36u);  // generated
}

TEST(ModelBuild, GeneratedIdsComeFromTheInjectedRandom) {
  const char* cfg = "name='a'\nkernel='/k'\nvif=['','bridge=xenbr1']\n";
  auto a = buildXl(cfg, 7);
  auto b = buildXl(cfg, 7);
  auto c = buildXl(cfg, 8);
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(*a, *b);
  EXPECT_NE(a->uuid, c->uuid);
  EXPECT_EQ(a->uuid[14], '4');  // version 4
  for (const Vif& v : a->vifs) {
    EXPECT_EQ(v.mac.substr(0, 9), "00:16:3e:");
    EXPECT_LT(std::stoi(v.mac.substr(9, 2), nullptr, 16), 0x80);
  }
  EXPECT_NE(a->vifs[0].mac, a->vifs[1].mac);
}

TEST(ModelBuild, DialectDefaults) {
  auto xl = buildXl("name='a'\nkernel='/k'\n");
  auto xm = buildXm({{"name", str("a")}, {"kernel", str("/k")}});
  ASSERT_TRUE(xl && xm);
  EXPECT_EQ(xl->onCrash, Action::kDestroy);
  EXPECT_EQ(xm->onCrash, Action::kRestart);
  auto xlHvm = buildXl("name='a'\ntype='hvm'\n");
  auto xmHvm = buildXm({{"name", str("a")}, {"builder", str("hvm")}});
  ASSERT_TRUE(xlHvm && xmHvm);
  EXPECT_EQ(xlHvm->boot, "cd");
  EXPECT_EQ(xmHvm->boot, "c");
}

TEST(ModelBuild, XmCmdlineAssembly) {
  auto d = buildXm({{"name", str("a")},
                    {"kernel", str("/k")},
                    {"root", str("/dev/sda1 ro")},
                    {"extra", str("console=hvc0")},
                    {"ip", str("10.0.0.2")},
                    {"gateway", str("10.0.0.1")},
                    {"netmask", str("255.255.255.0")},
                    {"hostname", str("vm1")},
                    {"interface", str("eth0")}});
  ASSERT_TRUE(d) << d.error().format();
  EXPECT_EQ(d->ipArgs, "10.0.0.2:127.0.255.255:10.0.0.1:255.255.255.0:vm1:eth0:off");
  EXPECT_EQ(d->cmdline,
            "root=/dev/sda1 ro ip=10.0.0.2:127.0.255.255:10.0.0.1:255.255.255.0:vm1:eth0:off "
            "console=hvc0");
}

TEST(ModelBuild, XlCmdlineOverridesRootAndExtra) {
  auto d = buildXl("name='a'\nkernel='/k'\nroot='/dev/xvda1'\nextra='quiet'\n"
                   "cmdline='root=/dev/xvda2 single'\n");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->cmdline, "root=/dev/xvda2 single");
  auto e = buildXl("name='a'\nkernel='/k'\nroot='/dev/xvda1'\nextra='quiet'\n");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->cmdline, "root=/dev/xvda1 quiet");
}

TEST(ModelBuild, HvmloaderKernelIsTheLoader) {
  auto d = buildXm({{"name", str("w")},
                    {"builder", str("hvm")},
                    {"kernel", str("/usr/lib/xen/boot/hvmloader")},
                    {"boot", str("dc")}});
  ASSERT_TRUE(d) << d.error().format();
  EXPECT_EQ(d->type, GuestType::kHvm);
  EXPECT_EQ(d->kernel, "");
  EXPECT_EQ(d->loader, "/usr/lib/xen/boot/hvmloader");
  EXPECT_EQ(d->boot, "dc");
}

TEST(ModelBuild, CpusGlobalAndPerVcpu) {
  auto g = buildXl("name='a'\nkernel='/k'\nvcpus=2\ncpus='0-3,^1'\n");
  ASSERT_TRUE(g);
  ASSERT_TRUE(g->cpus);
  EXPECT_EQ(g->cpus->cpus, (std::vector<int>{0, 2, 3}));
  auto p = buildXl("name='a'\nkernel='/k'\nvcpus=3\ncpus=['2','3-8,^5']\n");
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->cpus);
  ASSERT_EQ(p->vcpuCpus.size(), 2u);
  EXPECT_EQ(p->vcpuCpus[1].cpus, (std::vector<int>{3, 4, 6, 7, 8}));
  // A per-vCPU list naming the same set for every vCPU is the global form.
  auto same = buildXl("name='a'\nkernel='/k'\nvcpus=2\ncpus=['1','1']\n");
  ASSERT_TRUE(same);
  ASSERT_TRUE(same->cpus);
  EXPECT_TRUE(same->vcpuCpus.empty());
  auto all = buildXl("name='a'\nkernel='/k'\ncpus='all'\n");
  ASSERT_TRUE(all);
  EXPECT_FALSE(all->cpus);
}

TEST(ModelBuild, VcpuAvailMask) {
  auto d = buildXm({{"name", str("a")}, {"kernel", str("/k")}, {"vcpus", num(4)},
                    {"vcpu_avail", num(3)}});
  ASSERT_TRUE(d) << d.error().format();
  EXPECT_EQ(d->maxvcpus, 4);
  EXPECT_EQ(d->vcpus, 2);
}

TEST(ModelBuild, PvTopLevelVncBecomesAFramebuffer) {
  auto d = buildXl("name='a'\nkernel='/k'\nvnc=1\nvnclisten='0.0.0.0:3'\nkeymap='de'\n");
  ASSERT_TRUE(d);
  ASSERT_EQ(d->vfbs.size(), 1u);
  EXPECT_TRUE(d->vfbs[0].vnc);
  EXPECT_EQ(d->vfbs[0].vnclisten, "0.0.0.0");
  EXPECT_EQ(d->vfbs[0].vncdisplay, std::optional<int>(3));
  EXPECT_EQ(d->vfbs[0].keymap, "de");
  EXPECT_EQ(d->graphics, Graphics{});
}

TEST(ModelBuild, UnknownKeysAreKept) {
  auto d = buildXl("name='a'\nkernel='/k'\nvmid=3\nfuture_key=['x']\n");
  ASSERT_TRUE(d);
  ASSERT_EQ(d->otherKeys.size(), 2u);
  EXPECT_EQ(d->otherKeys[0].first, "vmid");
  EXPECT_EQ(d->otherKeys[1].first, "future_key");
}

TEST(ModelBuildErrors, NameFieldAndLine) {
  EXPECT_EQ(errorOf(buildXl("name='a'\nkernel='/k'\nmemory=512\nmaxmem=256\n")),
            "test.cfg:3: memory: memory (512 MiB) exceeds maxmem (256 MiB).");
  EXPECT_EQ(errorOf(buildXl("name='a'\nkernel='/k'\nvcpus=4\nmaxvcpus=2\n")),
            "test.cfg:3: vcpus: vcpus (4) exceeds maxvcpus (2).");
  EXPECT_EQ(errorOf(buildXl("name='a'\nkernel='/k'\nmaxvcpus=129\n")),
            "test.cfg:3: maxvcpus: A domain may have at most 128 vCPUs, not 129.");
  EXPECT_EQ(errorOf(buildXl("kernel='/k'\n")),
            "test.cfg: name: The domain has no name; set name = \"...\".");
}

TEST(ModelBuildErrors, DeviceErrorsPointAtTheListItem) {
  std::string e = errorOf(buildXl("name='a'\nkernel='/k'\ndisk=['/a,,xvda',\n"
                                  "  '/b,,xvda']\n"));
  EXPECT_EQ(e, "test.cfg:4: disk[1]: Virtual device 'xvda' is used by more than one disk.");
  e = errorOf(buildXl("name='a'\nkernel='/k'\nvif=['mac=00:16:3e:zz:00:01']\n"));
  EXPECT_EQ(e, "test.cfg:3: vif[0]: MAC address '00:16:3e:zz:00:01' is invalid: expected six "
               "hex octets like 00:16:3e:12:34:56.");
  e = errorOf(buildXl("name='a'\nkernel='/k'\nvif=['mac=00:16:3e:00:00:01',"
                      "'mac=00:16:3e:00:00:01']\n"));
  EXPECT_EQ(e, "test.cfg:3: vif[1]: MAC address 00:16:3e:00:00:01 is used by more than one "
               "interface of the domain.");
}

TEST(ModelBuildErrors, Limits) {
  std::string vifs = "name='a'\nkernel='/k'\nvif=['','','','','','','','','']\n";
  EXPECT_EQ(errorOf(buildXl(vifs)),
            "test.cfg:3: vif: A domain may have at most 8 network interfaces, not 9.");
  std::string ide = "name='a'\ntype='hvm'\ndisk=['/a,,hda','/b,,hdb','/c,,hdc','/d,,hdd',"
                    "'/e,,hde']\n";
  EXPECT_EQ(errorOf(buildXl(ide)),
            "test.cfg:3: disk[4]: IDE device 'hde' does not exist: an HVM guest has hda, hdb, "
            "hdc and hdd.");
  std::string disks = "name='a'\nkernel='/k'\ndisk=[";
  for (int i = 0; i < 101; ++i) {
    char vdev[8];
    std::snprintf(vdev, sizeof vdev, "xvd%c%c", 'a' + i / 26, 'a' + i % 26);
    disks += std::string(i ? "," : "") + "'/d" + std::to_string(i) + ",," + vdev + "'";
  }
  disks += "]\n";
  EXPECT_EQ(errorOf(buildXl(disks)),
            "test.cfg:3: disk: A domain may have at most 100 PV disks, not 101.");
}

TEST(ModelBuildErrors, TypesAndValues) {
  EXPECT_EQ(errorOf(buildXm({{"name", str("a")}, {"kernel", str("/k")}, {"memory", list({})}})),
            "xm.cfg:3: memory: Expected an integer, got a list.");
  EXPECT_EQ(errorOf(buildXm({{"name", str("a")}, {"kernel", str("/k")},
                             {"on_reboot", str("coredump-destroy")}})),
            "xm.cfg:3: on_reboot: Action 'coredump-destroy' is invalid for on_reboot (use "
            "destroy, restart, preserve or rename-restart).");
  EXPECT_EQ(errorOf(buildXm({{"name", str("a")}, {"kernel", str("/k")},
                             {"disk", list({str("npiv:210400e08b80c40f,xvda,w")})}})),
            "xm.cfg:3: disk[0]: Disk backend 'npiv:' (Fibre Channel NPIV) is unsupported.");
  EXPECT_EQ(errorOf(buildXm({{"name", str("a")}})),
            "xm.cfg: kernel: A PV guest needs a kernel or a bootloader.");
}

TEST(ModelBuild, MemoryUnitsInStrings) {
  auto d = buildXl("name='a'\nkernel='/k'\nmemory='1G'\nmaxmem='2048M'\n");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->memory, 1024);
  EXPECT_EQ(d->maxmem, 2048);
}

}  // namespace
}  // namespace xenia::config

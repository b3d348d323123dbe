// XenStore layout rules (the golden files show whole layouts): vdev numbers,
// the permissions of the nodes guests and backends depend on, vCPU
// availability, removals and Domain-0's nodes.
#include <gtest/gtest.h>

#include <map>

#include "xend/model/xs_layout.h"

namespace xenia::xend {
namespace {

TEST(VdevNumber, XensTable) {
  const std::pair<const char*, int> cases[] = {
      {"xvda", 51712},   {"xvdb", 51728},     {"xvda1", 51713},       {"xvdp", 51952},
      {"xvdp15", 51967}, {"xvdq", 268439552}, {"xvda16", 268435472},  {"xvdaa", 268442112},
      {"d0p0", 51712},   {"d1p2", 51730},     {"d536p37", 268572709}, {"hda", 768},
      {"hdb", 832},      {"hdc", 5632},       {"hdd", 5696},          {"hda1", 769},
      {"hda63", 831},    {"sda", 2048},       {"sdb", 2064},          {"sdb3", 2067},
      {"sdp15", 2303},   {"51712", 51712},    {"0xca00", 51712},      {"0", 0},
  };
  for (const auto& [vdev, number] : cases) {
    EXPECT_EQ(vdevNumber(vdev), number) << vdev;
  }
}

TEST(VdevNumber, Invalid) {
  for (const char* bad :
       {"", "xvd", "hde", "sdq", "hda64", "sda16", "xvda256", "xvda01", "vda", "xvdA", "d0", "dxp1",
        "d1048576p0", "d0p256", "xvda-1", "12ab", "hd", "99999999999"}) {
    EXPECT_EQ(vdevNumber(bad), -1) << bad;
  }
}

config::Disk disk(config::DiskBackend b, std::string target, std::string vdev = "xvda") {
  config::Disk k;
  k.backend = b;
  k.target = std::move(target);
  k.vdev = std::move(vdev);
  return k;
}

TEST(DiskBackend, TypeAndParamsSplitTheUname) {
  config::Disk phy = disk(config::DiskBackend::kPhy, "/dev/vg0/root");
  EXPECT_EQ(diskBackendType(phy), "phy");
  EXPECT_EQ(diskParams(phy), "/dev/vg0/root");
  config::Disk file = disk(config::DiskBackend::kFile, "/srv/a.img");
  EXPECT_EQ(diskBackendType(file), "file");
  EXPECT_EQ(diskParams(file), "/srv/a.img");
  config::Disk tap = disk(config::DiskBackend::kTap, "/srv/b.qcow2");
  tap.tap = config::TapDriver::kQcow2;
  tap.format = config::DiskFormat::kQcow2;
  EXPECT_EQ(diskBackendType(tap), "tap");
  EXPECT_EQ(diskParams(tap), "qcow2:/srv/b.qcow2");
  config::Disk bare = disk(config::DiskBackend::kUnspecified, "/dev/sdb");
  EXPECT_EQ(diskBackendType(bare), "phy");
  config::Disk image = disk(config::DiskBackend::kUnspecified, "/srv/c.qcow2");
  image.format = config::DiskFormat::kQcow2;
  EXPECT_EQ(diskBackendType(image), "file");
  EXPECT_EQ(diskParams(image), "qcow2:/srv/c.qcow2");
  config::Disk empty = disk(config::DiskBackend::kPhy, "", "hdc");
  empty.devtype = config::DiskDevType::kCdrom;
  EXPECT_EQ(diskBackendType(empty), "");
  EXPECT_EQ(diskParams(empty), "");
}

config::DomainConfig pv() {
  config::DomainConfig d;
  d.name = "web";
  d.uuid = "6a1b6c2e-0f3d-4b5a-9c7e-2d4f6a8b0c1e";
  d.memory = 256;
  d.maxmem = 512;
  d.vcpus = 2;
  d.maxvcpus = 3;
  d.kernel = "/boot/vmlinuz";
  d.disks.push_back(disk(config::DiskBackend::kPhy, "/dev/vg0/root"));
  config::Vif v;
  v.mac = "00:16:3e:00:00:01";
  v.rate = config::Rate{"10Mb/s", 62500, 50000};
  d.vifs.push_back(v);
  return d;
}

std::map<std::string, XsNode> byPath(const std::vector<XsNode>& nodes) {
  std::map<std::string, XsNode> m;
  for (const XsNode& n : nodes) {
    EXPECT_EQ(m.count(n.path), 0u) << "twice: " << n.path;
    m[n.path] = n;
  }
  return m;
}

using Perms = std::vector<std::string>;

TEST(DomainXsNodes, HomeAndPermissions) {
  DomainXsFacts f;
  f.domid = 5;
  f.startTime = 1700000000.5;
  f.consoleTty = "/dev/pts/9";
  f.vifNames = {"vif5.0"};
  auto m = byPath(domainXsNodes(pv(), f));
  const std::string home = "/local/domain/5";
  EXPECT_EQ(m[home].perms, (Perms{"n0", "r5"}));
  EXPECT_EQ(m[home + "/name"].value, "web");
  EXPECT_EQ(m[home + "/domid"].value, "5");
  EXPECT_EQ(m[home + "/vm"].value, "/vm/6a1b6c2e-0f3d-4b5a-9c7e-2d4f6a8b0c1e");
  EXPECT_EQ(m[home + "/memory/target"].value, "262144");
  EXPECT_EQ(m[home + "/memory/static-max"].value, "524288");
  EXPECT_EQ(m.count(home + "/memory/videoram"), 0u);  // HVM only
  EXPECT_EQ(m[home + "/cpu/0/availability"].value, "online");
  EXPECT_EQ(m[home + "/cpu/1/availability"].value, "online");
  EXPECT_EQ(m[home + "/cpu/2/availability"].value, "offline");
  EXPECT_EQ(m.count(home + "/cpu/3/availability"), 0u);
  // What the guest writes it owns.
  EXPECT_EQ(m[home + "/control/shutdown"].value, "");
  EXPECT_EQ(m[home + "/control/shutdown"].perms, (Perms{"n5"}));
  EXPECT_EQ(m[home + "/data"].perms, (Perms{"n5"}));
  EXPECT_EQ(m[home + "/control"].perms, (Perms{"n0", "r5"}));
  EXPECT_EQ(m[home + "/control/platform-feature-multiprocessor-suspend"].value, "1");
  EXPECT_EQ(m[home + "/console/tty"].value, "/dev/pts/9");
  EXPECT_EQ(m[home + "/console/limit"].value, "1048576");
  EXPECT_EQ(m.count(home + "/console/vnc-port"), 0u);
  // /vm/<uuid>: dom0's, readable by the domain; start_time as xend stored it.
  const std::string vm = "/vm/6a1b6c2e-0f3d-4b5a-9c7e-2d4f6a8b0c1e";
  EXPECT_EQ(m[vm].perms, (Perms{"n0", "r5"}));
  EXPECT_EQ(m[vm + "/start_time"].value, "1700000000.5");
  EXPECT_EQ(m[vm + "/vcpu_avail"].value, "3");
  EXPECT_EQ(m[vm + "/image/ostype"].value, "linux");
  EXPECT_EQ(m[vm + "/image"].value.rfind("(linux (kernel /boot/vmlinuz)", 0), 0u)
      << m[vm + "/image"].value;
  EXPECT_EQ(m["/libxl/5"].perms, (Perms{"n0"}));
}

TEST(DomainXsNodes, DevicePairs) {
  DomainXsFacts f;
  f.domid = 5;
  f.vifNames = {"vif5.0"};
  auto m = byPath(domainXsNodes(pv(), f));
  const std::string front = "/local/domain/5/device/vbd/51712";
  const std::string back = "/local/domain/0/backend/vbd/5/51712";
  EXPECT_EQ(m[front].perms, (Perms{"n5", "r0"}));
  EXPECT_EQ(m[back].perms, (Perms{"n0", "r5"}));
  EXPECT_EQ(m[front + "/backend"].value, back);
  EXPECT_EQ(m[back + "/frontend"].value, front);
  EXPECT_EQ(m[front + "/state"].value, "4");
  EXPECT_EQ(m[back + "/state"].value, "4");
  EXPECT_EQ(m[front + "/virtual-device"].value, "51712");
  EXPECT_EQ(m[back + "/params"].value, "/dev/vg0/root");
  EXPECT_EQ(m[back + "/type"].value, "phy");
  EXPECT_EQ(m[back + "/mode"].value, "w");
  EXPECT_EQ(m[back + "/frontend-id"].value, "5");
  const std::string vif = "/local/domain/0/backend/vif/5/0";
  EXPECT_EQ(m[vif + "/mac"].value, "00:16:3e:00:00:01");
  EXPECT_EQ(m[vif + "/rate"].value, "62500,50000");
  EXPECT_EQ(m[vif + "/vifname"].value, "vif5.0");
  EXPECT_EQ(m[vif + "/script"].value, "/etc/xen/scripts/vif-bridge");
  EXPECT_EQ(m["/local/domain/5/device/vif/0/handle"].value, "0");
  EXPECT_EQ(m["/libxl/5/device/vif/0/backend"].value, vif);
  EXPECT_EQ(m["/local/domain/0/backend/console/5/0/protocol"].value, "vt100");
}

TEST(DomainXsNodes, ParentsComeFirst) {
  DomainXsFacts f;
  f.domid = 3;
  std::map<std::string, size_t> at;
  auto nodes = domainXsNodes(pv(), f);
  for (size_t i = 0; i < nodes.size(); ++i) {
    at[nodes[i].path] = i;
  }
  for (const XsNode& n : nodes) {
    std::string parent = n.path.substr(0, n.path.rfind('/'));
    if (at.count(parent)) {
      EXPECT_LT(at[parent], at[n.path]) << n.path;
    }
  }
  // Every node lies under a subtree the destroy removes.
  auto removals = domainXsRemovals(pv(), 3);
  for (const XsNode& n : nodes) {
    bool covered = false;
    for (const std::string& r : removals) {
      covered |= n.path == r || n.path.rfind(r + "/", 0) == 0;
    }
    EXPECT_TRUE(covered) << n.path;
  }
}

TEST(DomainXsNodes, HvmExtras) {
  config::DomainConfig d = pv();
  d.type = config::GuestType::kHvm;
  d.stdvga = true;
  d.rtcTimeoffset = -60;
  DomainXsFacts f;
  f.domid = 9;
  f.vncPort = 5902;
  f.vncListen = "0.0.0.0";
  auto m = byPath(domainXsNodes(d, f));
  EXPECT_EQ(m["/local/domain/9/memory/videoram"].value, "16384");
  EXPECT_EQ(m["/local/domain/9/control/feature-s3"].perms, (Perms{"n9"}));
  EXPECT_EQ(m["/local/domain/9/hvmloader/bios"].value, "seabios");
  EXPECT_EQ(m["/local/domain/9/console/vnc-port"].value, "5902");
  EXPECT_EQ(m["/local/domain/9/console/vnc-listen"].value, "0.0.0.0");
  EXPECT_EQ(m["/vm/" + d.uuid + "/rtc/timeoffset"].value, "-60");
  EXPECT_EQ(m["/vm/" + d.uuid + "/image/ostype"].value, "hvm");
  EXPECT_EQ(m["/libxl/9/type"].value, "hvm");
}

TEST(DomainXsNodes, OversizedValuesFitOneMessage) {
  config::DomainConfig d = pv();
  d.cmdline = std::string(5000, 'x') + "\xc3\xa9";  // ends in a 2-byte character
  DomainXsFacts f;
  f.domid = 5;
  for (const XsNode& n : domainXsNodes(d, f)) {
    EXPECT_LE(n.path.size() + 1 + n.value.size(), 4096u) << n.path;
  }
  auto m = byPath(domainXsNodes(d, f));
  const std::string& cmdline = m["/vm/" + d.uuid + "/image/cmdline"].value;
  EXPECT_EQ(cmdline.size(), 4096u - 1 - ("/vm/" + d.uuid + "/image/cmdline").size());
  EXPECT_EQ(cmdline, std::string(cmdline.size(), 'x'));
}

TEST(DomainXsRemovals, SubtreesPerBackendKind) {
  config::DomainConfig d = pv();
  d.vfbs.push_back(config::Graphics{});
  EXPECT_EQ(
      domainXsRemovals(d, 4),
      (std::vector<std::string>{"/local/domain/4", "/vm/" + d.uuid, "/local/domain/0/backend/vbd/4",
                                "/local/domain/0/backend/vif/4", "/local/domain/0/backend/vfb/4",
                                "/local/domain/0/backend/vkbd/4",
                                "/local/domain/0/backend/console/4", "/libxl/4"}));
  config::DomainConfig bare;
  bare.uuid = "u";
  EXPECT_EQ(domainXsRemovals(bare, 2),
            (std::vector<std::string>{"/local/domain/2", "/vm/u",
                                      "/local/domain/0/backend/console/2", "/libxl/2"}));
}

TEST(Dom0XsNodes, Layout) {
  auto m = byPath(dom0XsNodes(1048576, 2));
  EXPECT_EQ(m["/local/domain/0"].perms, (Perms{"n0"}));
  EXPECT_EQ(m["/local/domain/0/name"].value, "Domain-0");
  EXPECT_EQ(m["/local/domain/0/domid"].value, "0");
  EXPECT_EQ(m["/local/domain/0/vm"].value, "/vm/00000000-0000-0000-0000-000000000000");
  EXPECT_EQ(m["/local/domain/0/memory/target"].value, "1048576");
  EXPECT_EQ(m["/local/domain/0/cpu/1/availability"].value, "online");
  EXPECT_EQ(m.count("/local/domain/0/cpu/2/availability"), 0u);
  EXPECT_EQ(m["/vm/00000000-0000-0000-0000-000000000000/name"].value, "Domain-0");
  EXPECT_EQ(m["/local/pool/0/name"].value, "Pool-0");
}

}  // namespace
}  // namespace xenia::xend

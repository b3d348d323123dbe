// A domain's XenStore content as Xen's toolstack lays it out
// (docs/misc/xenstore-paths.pandoc, libxl_create.c, libxl_device.c): the
// nodes xend writes at create, what it removes at destroy, and Domain-0's.
// QEMU emulates the devices, so backends are written already connected.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/model/domain.h"

namespace xenia::xend {

// perms in xenstore text form {"n0","r5"}; empty = inherit the parent's.
struct XsNode {
  std::string path;
  std::string value;
  std::vector<std::string> perms;
};

struct DomainXsFacts {
  int domid = 0;
  double startTime = 0;     // epoch seconds
  std::string consoleTty;   // pty path if known, else ""
  std::optional<int> vncPort;  // if a VNC server runs
  std::string vncListen;
  std::vector<std::string> vifNames;  // host tap names per vif index ("vif3.0")
};

// Every node of a running domain, parents before children.
std::vector<XsNode> domainXsNodes(const config::DomainConfig& d, const DomainXsFacts& f);
// Subtrees to remove when the domain goes: /local/domain/<id>, /vm/<uuid>,
// /local/domain/0/backend/<type>/<id> for each backend type used, /libxl/<id>.
std::vector<std::string> domainXsRemovals(const config::DomainConfig& d, int domid);
// Domain-0's nodes: /local/domain/0/{name,domid,vm,memory/...,cpu/...},
// /vm/00000000-0000-0000-0000-000000000000/..., /tool/xenstored/domid.
std::vector<XsNode> dom0XsNodes(int64_t dom0MemKiB, int nrCpus);

// Xen's virtual block device number (docs/misc/vbd-interface.txt):
// xvda=51712, hda=768, sda=2048, "d0p1" forms too; -1 if invalid.
int vdevNumber(const std::string& vdev);

// The backend directory type of a disk / the frontend class ("vbd").
std::string diskBackendType(const config::Disk& k);  // "vbd" (or "qdisk" for tap/file images)

}  // namespace xenia::xend

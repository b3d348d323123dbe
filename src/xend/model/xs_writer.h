// Internal to xs_layout*.cc: collects XsNodes in write order, adding any
// missing intermediate directory (empty value, inherited perms) under the
// subtrees a domain owns, so a parent always precedes its children.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "xend/model/xs_layout.h"

namespace xenia::xend::xs {

// Permission sets as libxl builds them (libxl_create.c, libxl_device.c).
inline std::vector<std::string> dom0Only() { return {"n0"}; }
// Owned by dom0, readable by the domain: the domain's home and most of it.
inline std::vector<std::string> readOnly(int domid) { return {"n0", "r" + std::to_string(domid)}; }
// Owned by the domain (others: nothing): the nodes the guest writes.
inline std::vector<std::string> guestOwned(int domid) { return {"n" + std::to_string(domid)}; }
// A frontend directory: the domain owns it, the backend reads it.
inline std::vector<std::string> frontend(int domid, int backend) {
  return {"n" + std::to_string(domid), "r" + std::to_string(backend)};
}
// A backend directory: the backend domain owns it, the frontend reads it.
inline std::vector<std::string> backend(int domid, int backend) {
  return {"n" + std::to_string(backend), "r" + std::to_string(domid)};
}

class Writer {
 public:
  // Subtrees inside which missing parents are filled in.
  void addRoot(std::string root) { roots_.push_back(std::move(root)); }

  void node(const std::string& path, std::string value, std::vector<std::string> perms = {}) {
    addParents(path);
    seen_.insert(path);
    fitPayload(path, value);
    nodes_.push_back({path, std::move(value), std::move(perms)});
  }
  void dir(const std::string& path, std::vector<std::string> perms = {}) {
    node(path, "", std::move(perms));
  }

  std::vector<XsNode> take() { return std::move(nodes_); }

 private:
  // A WRITE carries path, NUL and value in at most 4096 bytes
  // (XENSTORE_PAYLOAD_MAX). Nothing here is needed to run the guest, so an
  // oversized value (a huge kernel command line) is cut, at a UTF-8
  // character boundary, rather than failing the domain's creation.
  static void fitPayload(const std::string& path, std::string& value) {
    constexpr size_t kPayloadMax = 4096;
    if (path.size() + 1 + value.size() <= kPayloadMax || path.size() + 1 >= kPayloadMax) {
      return;
    }
    size_t keep = kPayloadMax - path.size() - 1;
    while (keep > 0 && (static_cast<unsigned char>(value[keep]) & 0xC0) == 0x80) {
      --keep;
    }
    value.resize(keep);
  }

  void addParents(const std::string& path) {
    for (size_t slash = path.find('/', 1); slash != std::string::npos;
         slash = path.find('/', slash + 1)) {
      std::string parent = path.substr(0, slash);
      if (seen_.count(parent) != 0) {
        continue;
      }
      for (const std::string& r : roots_) {
        if (parent.size() >= r.size() && parent.compare(0, r.size(), r) == 0 &&
            (parent.size() == r.size() || parent[r.size()] == '/')) {
          seen_.insert(parent);
          nodes_.push_back({parent, "", {}});
          break;
        }
      }
    }
  }

  std::vector<std::string> roots_;
  std::set<std::string> seen_;
  std::vector<XsNode> nodes_;
};

// One frontend/backend pair: the device directories, their cross links and
// the Connected state; callers add the class-specific nodes.
struct DevicePaths {
  std::string front;  // /local/domain/<id>/device/<kind>/<devid>
  std::string back;   // /local/domain/0/backend/<kind>/<id>/<devid>
};
DevicePaths addDevicePair(Writer& w, const std::string& kind, int domid, int devid,
                          const std::string& domName);

// Every device of the domain (vbd, vif, vfb+vkbd, console).
void addDevices(Writer& w, const config::DomainConfig& d, const DomainXsFacts& f);

// The backend kinds a domain's devices use ("vbd", "vif", ...).
std::vector<std::string> backendKinds(const config::DomainConfig& d);

}  // namespace xenia::xend::xs

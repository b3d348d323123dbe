// Block device commands (docs/design/disks.md): xm's block-attach,
// block-detach, block-list, block-configure (X40 main.py), xl's cd-insert and
// cd-eject, Xenia's block-resize, and `xm delete --remove-images`. xend
// does the work; these check arguments as xm did and print.
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "config/model/disk_spec.h"
#include "xm/ctx.h"
#include "xm/format_block.h"
#include "xm/getopt.h"
#include "xm/handlers.h"

namespace xenia::xm {
namespace {

// xm sent ['vbd', ['uname', u], ['dev', d], ['mode', m], ['backend', b]]:
// the fields travel separately (an iscsi: uname holds commas).
Json vbdParams(const std::string& dom, const std::string& uname, const std::string& dev,
               const std::string& mode, const std::string& backend = "") {
  Json p{{"dom", dom}, {"uname", uname}, {"dev", dev}, {"mode", mode}};
  if (!backend.empty()) {
    p["backend"] = backend;
  }
  return p;
}

int vbdCall(Ctx& ctx, const Args& args, const char* method) {
  if (int rc = ctx.argCheck(args, 4, 5)) {
    return rc;
  }
  auto r = ctx.call(method, vbdParams(args[0], args[1], args[2], args[3],
                                      args.size() == 5 ? args[4] : ""),
                    true);
  return r ? 0 : ctx.rpcFailed(r.error());
}

}  // namespace

int cmdBlockAttach(Ctx& ctx, const Args& args) {
  return vbdCall(ctx, args, "domain.block_attach");
}

int cmdBlockConfigure(Ctx& ctx, const Args& args) {
  return vbdCall(ctx, args, "domain.block_configure");
}

int cmdBlockDetach(Ctx& ctx, const Args& args) {
  return ctx.detach(args, "domain.block_detach");
}

int cmdBlockList(Ctx& ctx, const Args& args) {
  auto p = pyGnuGetopt(args, "l", {"long"});
  if (!p) {
    return ctx.optionError(p.error());
  }
  if (p->params.size() != 1) {
    return ctx.argCheck(p->params, 1);
  }
  auto r = ctx.call("domain.block_list", {{"dom", p->params[0]}});
  if (!r) {
    return ctx.rpcFailed(r.error());
  }
  auto text = formatBlockList(*r, p->has("-l", "--long"));
  if (!text) {
    return ctx.badAnswer(text.error());
  }
  ctx.out() << *text;
  return 0;
}

int cmdCdInsert(Ctx& ctx, const Args& args) {
  if (int rc = ctx.argCheck(args, 3)) {
    return rc;
  }
  auto r = ctx.call("domain.block_configure",
                    vbdParams(args[0], cdUname(args[2]), args[1] + ":cdrom", "r"), true);
  return r ? 0 : ctx.rpcFailed(r.error());
}

int cmdCdEject(Ctx& ctx, const Args& args) {
  if (int rc = ctx.argCheck(args, 2)) {
    return rc;
  }
  auto r = ctx.call("domain.block_configure", vbdParams(args[0], "", args[1] + ":cdrom", "r"),
                    true);
  return r ? 0 : ctx.rpcFailed(r.error());
}

int cmdBlockResize(Ctx& ctx, const Args& args) {
  if (int rc = ctx.argCheck(args, 3)) {
    return rc;
  }
  // Sizes as xenia-image and mem-set take them: a bare number is MiB.
  const std::string& s = args[2];
  size_t digits = s.find_first_not_of("0123456789");
  std::string num = s.substr(0, digits);
  std::string suffix = digits == std::string::npos ? "" : s.substr(digits);
  int shift = -1;
  if (suffix.empty() || suffix == "M" || suffix == "m") {
    shift = 20;
  } else if (suffix == "G" || suffix == "g") {
    shift = 30;
  } else if (suffix == "K" || suffix == "k") {
    shift = 10;
  } else if (suffix == "T" || suffix == "t") {
    shift = 40;
  } else if (suffix == "B" || suffix == "b") {
    shift = 0;
  }
  if (num.empty() || num.size() > 12 || shift < 0) {
    return ctx.invalidArgument();
  }
  int64_t bytes = std::stoll(num) << shift;
  auto r = ctx.call("domain.block_resize", {{"dom", args[0]}, {"dev", args[1]}, {"bytes", bytes}},
                    true);
  return r ? 0 : ctx.rpcFailed(r.error());
}

namespace {

// Image files a domain's disks name: file-backed disks only (file:, tap:*),
// never devices, network disks or CD media.
std::vector<std::string> imageFiles(const Json& blockList) {
  std::vector<std::string> files;
  if (!blockList.is_object() || !blockList.contains("devices") ||
      !blockList["devices"].is_array()) {
    return files;
  }
  for (const auto& d : blockList["devices"]) {
    if (!d.is_object() || d.value("device-type", "") == "cdrom") {
      continue;
    }
    auto disk = config::parseUname(d.value("uname", std::string()));
    if (disk && !disk->empty() &&
        (disk->backend == config::DiskBackend::kFile ||
         (disk->backend == config::DiskBackend::kTap && disk->tap != config::TapDriver::kCdrom)) &&
        disk->target.rfind("/dev/", 0) != 0) {
      files.push_back(disk->target);
    }
  }
  return files;
}

// "a (xvda), b (xvdb)" from host.image_users' list KEY.
std::string namedBy(const Json& r, const char* key) {
  std::string out;
  if (!r.contains(key) || !r[key].is_array()) {
    return out;
  }
  for (const auto& e : r[key]) {
    out += (out.empty() ? "" : ", ") + e.value("domain", std::string("?")) + " (" +
           e.value("vdev", std::string("?")) + ")";
  }
  return out;
}

}  // namespace

int cmdDeleteImages(Ctx& ctx, const Args& args) {
  auto p = pyGnuGetopt(args, "", {"remove-images"});
  if (!p) {
    return ctx.optionError(p.error());
  }
  if (int rc = ctx.argCheck(p->params, 1)) {
    return rc;
  }
  const std::string& dom = p->params[0];
  bool remove = p->has("", "--remove-images");
  std::vector<std::string> files;
  if (auto l = ctx.call("domain.block_list", {{"dom", dom}})) {
    files = imageFiles(*l);
  }
  auto r = ctx.call("domain.delete", {{"dom", dom}});
  if (!r) {
    return ctx.rpcFailed(r.error());
  }
  if (files.empty()) {
    return 0;
  }
  if (!remove) {
    // Never silently: say what stays and how to remove it.
    ctx.out() << "Image files of " << dom << " kept (xm delete --remove-images removes them):\n";
    for (const auto& f : files) {
      ctx.out() << "  " << f << "\n";
    }
    return 0;
  }
  int rc = 0;
  for (const auto& f : files) {
    auto users = ctx.call("host.image_users", {{"path", f}, {"managed", true}});
    if (!users) {
      ctx.error("Image " + f + " is kept: xend cannot say who uses it (" +
                users.error().message + ").");
      rc = 1;
      continue;
    }
    std::string who = namedBy(*users, "users");
    if (!who.empty()) {
      ctx.error("Image " + f + " is in use by running domain(s) " + who + "; it is kept.");
      rc = 1;
      continue;
    }
    who = namedBy(*users, "managed");
    if (!who.empty()) {
      // Not an error: the image still belongs to another domain.
      ctx.out() << "Image " << f << " is kept: managed domain(s) " << who << " use it.\n";
      continue;
    }
    if (::unlink(f.c_str()) != 0) {
      ctx.error("Cannot remove image " + f + ": " + std::strerror(errno));
      rc = 1;
      continue;
    }
    ctx.out() << "Removed image " << f << "\n";
  }
  return rc;
}

}  // namespace xenia::xm

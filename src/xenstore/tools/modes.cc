// The xenstore-* modes: read, write, rm, exists, list, ls, chmod, watch. The
// messages, output layout and request sequence follow Xen 4.17's
// xenstore_client.c, so our tools can replace Debian's.
#include "xenstore/tools/modes.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "xenstore/tools/escape.h"
#include "xenstore/tools/report.h"

namespace xenia::xs::tools {
namespace {

constexpr int kStringMax = static_cast<int>(kAbsPathMax) + 1024;  // ls path buffer
constexpr size_t kChmodPathMax = 256;                             // chmod -r path buffer
constexpr int kTagLen = 8;                                        // strlen(" = \"...\"")

Outcome doRead(Client& xs, TxId tx, const Options& o, std::string& out) {
  for (const auto& key : o.args) {
    auto val = xs.read(key, tx);
    if (!val) {
      warnx("couldn't read path %s", key.c_str());
      return Outcome::Failed;
    }
    if (o.prefix) {
      out += key + ": ";
    }
    if (o.raw) {
      out += *val;
    } else {
      // "%s\n" of the sanitised text: it has no NULs, so nothing is cut.
      out += sanitiseValue(*val);
      out.push_back('\n');
    }
  }
  return Outcome::Ok;
}

Outcome doWrite(Client& xs, TxId tx, const Options& o) {
  for (size_t i = 0; i + 1 < o.args.size(); i += 2) {
    const std::string& spec = o.args[i + 1];
    std::string value = o.raw ? spec : unsanitiseValue(spec);
    if (!xs.write(o.args[i], value, tx)) {
      warnx("could not write path %s", o.args[i].c_str());
      return Outcome::Failed;
    }
  }
  return Outcome::Ok;
}

bool removeOne(Client& xs, TxId tx, const std::string& path) {
  if (xs.rm(path, tx)) {
    return true;
  }
  warnx("could not remove path %s", path.c_str());
  return false;
}

Outcome doRm(Client& xs, TxId tx, const Options& o) {
  for (const auto& arg : o.args) {
    if (!o.tidy) {
      if (!removeOne(xs, tx, arg)) {
        return Outcome::Failed;
      }
      continue;
    }
    // -t: then remove each parent that is left with no value and no children.
    std::string path = arg;
    for (;;) {
      if (!removeOne(xs, tx, path)) {
        return Outcome::Failed;
      }
      size_t slash = path.rfind('/');
      if (slash == std::string::npos) {
        break;
      }
      path.resize(slash);
      auto val = xs.read(path, tx);
      if (!val || !val->empty()) {
        break;
      }
      auto children = xs.directory(path, tx);
      if (!children || !children->empty()) {
        break;
      }
    }
  }
  return Outcome::Ok;
}

Outcome doExists(Client& xs, TxId tx, const Options& o) {
  for (const auto& key : o.args) {
    if (!xs.read(key, tx)) {
      return Outcome::Failed;
    }
  }
  return Outcome::Ok;
}

Outcome doList(Client& xs, TxId tx, const Options& o, std::string& out) {
  for (const auto& key : o.args) {
    auto list = xs.directory(key, tx);
    if (!list) {
      warnx("could not list path %s", key.c_str());
      return Outcome::Failed;
    }
    for (const auto& name : *list) {
      if (o.prefix) {
        out += key + "/";
      }
      out += name;
      out.push_back('\n');
    }
  }
  return Outcome::Ok;
}

// printf("%.*s") with C's rule that a negative precision means "all".
int printPrefix(const std::string& s, int precision) {
  return std::printf("%.*s", precision, s.c_str());
}

bool doLs(Client& xs, const Options& o, const std::string& path, int depth) {
  auto list = xs.directory(path, kNoTx);
  if (!list) {
    if (depth > 0 && list.error() == Err::ENOENT_) {
      return true;  // removed while we walked the tree
    }
    warnErrno(errToErrno(list.error()), "xs_directory (%s)", path.c_str());
    return false;
  }
  for (const auto& name : *list) {
    std::string full = path;
    if (full.empty() || full.back() != '/') {
      full.push_back('/');
    }
    full += name;
    size_t fullLen = full.size();
    if (fullLen >= static_cast<size_t>(kStringMax)) {
      full.resize(kStringMax - 1);  // Xen's fixed buffer cuts it
    }
    int linewid = 0;
    if (o.wholePath) {
      std::fputs(full.c_str(), stdout);
    } else {
      for (; linewid < depth; ++linewid) {
        std::putchar(' ');
      }
      linewid += printPrefix(name, o.maxWidth - kTagLen - linewid);
    }
    Result<std::string> val = unexpected(Err::EINVAL_);
    if (fullLen < static_cast<size_t>(kStringMax)) {
      val = xs.read(full, kNoTx);
    }
    if (!val) {
      std::printf(":\n");
    } else {
      std::string text = sanitiseValue(*val);
      // The same mixed signed/unsigned comparison as Xen's, on the raw length.
      size_t need = static_cast<size_t>(static_cast<unsigned>(linewid) +
                                        static_cast<unsigned>(val->size())) + kTagLen;
      if (static_cast<size_t>(static_cast<ptrdiff_t>(o.maxWidth)) < need) {
        std::printf(" = \"%.*s\\...\"", o.maxWidth - kTagLen - linewid, text.c_str());
      } else {
        linewid += std::printf(" = \"%s\"", text.c_str());
        if (o.prefix) {
          std::putchar(' ');
          for (++linewid; linewid < std::min(o.desiredWidth, o.maxWidth); ++linewid) {
            std::putchar((linewid & 1) ? '.' : ' ');
          }
        }
      }
    }
    if (o.prefix) {
      auto perms = xs.getPerms(full, kNoTx);
      if (!perms) {
        warnErrno(errToErrno(perms.error()), "\ncould not access permissions for %s",
                  name.c_str());
      } else {
        std::fputs("  (", stdout);
        std::fputs(formatPerms(*perms).c_str(), stdout);
        std::putchar(')');
      }
    }
    std::putchar('\n');
    if (!doLs(xs, o, full, depth + 1)) {
      return false;
    }
  }
  return true;
}

bool doChmod(Client& xs, TxId tx, const Options& o, std::string path, const Perms& perms,
             bool upto, bool recurse) {
  if (path.empty()) {
    return true;
  }
  auto set = xs.setPerms(path, perms, tx);
  if (!set) {
    warnErrno(errToErrno(set.error()), "Error occurred setting permissions on '%s'",
              path.c_str());
    return false;
  }
  if (upto) {
    size_t slash = path.rfind('/');
    if (slash == std::string::npos) {
      warnx("Unable to locate path separator '%c' in '%s'", '/', path.c_str());
      return false;
    }
    if (!doChmod(xs, tx, o, path.substr(0, slash), perms, true, false)) {
      return false;
    }
  }
  if (recurse) {
    auto children = xs.directory(path, tx);
    if (children) {
      for (const auto& name : *children) {
        std::string child = path + "/" + name;
        if (child.size() >= kChmodPathMax) {
          child.resize(kChmodPathMax - 1);  // Xen's fixed buffer cuts it
        }
        if (!doChmod(xs, tx, o, child, perms, false, true)) {
          return false;
        }
      }
    }
  }
  return true;
}

Outcome doChmodMode(Client& xs, TxId tx, const Options& o) {
  Perms perms;
  for (size_t i = 1; i < o.args.size(); ++i) {
    const std::string& spec = o.args[i];
    Perm p;
    p.domid = static_cast<uint32_t>(std::atoi(spec.c_str() + (spec.empty() ? 0 : 1)));
    switch (spec.empty() ? '\0' : spec[0]) {
      case 'n':
        p.access = Perm::Access::None;
        break;
      case 'r':
        p.access = Perm::Access::Read;
        break;
      case 'w':
        p.access = Perm::Access::Write;
        break;
      case 'b':
        p.access = Perm::Access::Both;
        break;
      default:
        warnx("Invalid permission specification: '%c'", spec.empty() ? '\0' : spec[0]);
        return Outcome::Fatal;
    }
    perms.push_back(p);
  }
  return doChmod(xs, tx, o, o.args[0], perms, o.upto, o.recurse) ? Outcome::Ok : Outcome::Fatal;
}

Outcome doWatch(Client& xs, const Options& o) {
  for (const auto& w : o.args) {
    if (!xs.watch(w, w)) {
      warnx("Unable to add watch on %s\n", w.c_str());
      return Outcome::Fatal;
    }
  }
  for (int count = 0; o.nrWatches == -1 || count < o.nrWatches; ++count) {
    auto ev = xs.readWatch();
    if (!ev) {
      // Xen's loop would spin on a dead connection; stopping is kinder.
      return Outcome::Failed;
    }
    std::printf("%s\n", ev->path.c_str());
    std::fflush(stdout);
  }
  return Outcome::Ok;
}

}  // namespace

bool usesTransaction(const Options& o) {
  switch (o.mode) {
    case Mode::Read:
      return o.args.size() > 1;
    case Mode::Write:
      return o.args.size() > 2;
    case Mode::Ls:
    case Mode::Watch:
      return false;
    default:
      return true;
  }
}

Outcome perform(Client& xs, TxId tx, const Options& o, std::string& out) {
  switch (o.mode) {
    case Mode::Read:
      return doRead(xs, tx, o, out);
    case Mode::Write:
      return doWrite(xs, tx, o);
    case Mode::Rm:
      return doRm(xs, tx, o);
    case Mode::Exists:
      return doExists(xs, tx, o);
    case Mode::List:
      return doList(xs, tx, o, out);
    case Mode::Ls: {
      std::vector<std::string> paths = o.args.empty() ? std::vector<std::string>{"/"} : o.args;
      for (const auto& p : paths) {
        if (!doLs(xs, o, p, 0)) {
          return Outcome::Fatal;
        }
      }
      return Outcome::Ok;
    }
    case Mode::Chmod:
      return doChmodMode(xs, tx, o);
    case Mode::Watch:
      return doWatch(xs, o);
    case Mode::Unknown:
      break;
  }
  return Outcome::Fatal;
}

}  // namespace xenia::xs::tools

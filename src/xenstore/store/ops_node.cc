// Node operations: READ, WRITE, MKDIR, RM, DIRECTORY, DIRECTORY_PART,
// GET_PERMS and SET_PERMS, each following its C xenstored do_*() function.
#include <cstring>

#include <fmt/format.h>

#include "xenstore/store/path.h"
#include "xenstore/store/state.h"

namespace xenia::xs::store {

Status opRead(Req& r) {
  auto path = r.nodePath(nthString(r.payload, 0));
  if (!path) {
    return Err::EINVAL_;
  }
  NodeRef n;
  if (Status st = getNode(r, *path, kPermRead, n)) {
    return st;
  }
  r.reply(n.value());
  return kOk;
}

Status opWrite(Req& r) {
  size_t nul = r.payload.find('\0');
  auto path = r.nodePath(r.payload.substr(0, nul));
  if (!path) {
    return Err::EINVAL_;
  }
  std::string_view value = r.payload.substr(nul + 1);
  NodeRef n;
  Status st = getNode(r, *path, kPermWrite, n);
  if (!st) {
    st = writeValue(r, *path, n, value);
  } else if (*st == Err::ENOENT_) {
    st = createNode(r, *path, value);
  }
  if (st) {
    return st;
  }
  fireWatches(r, *path, false, r.tx ? nullptr : n.base, nullptr);
  r.replyOk();
  return kOk;
}

Status opMkdir(Req& r) {
  auto path = r.nodePath(nthString(r.payload, 0));
  if (!path) {
    return Err::EINVAL_;
  }
  NodeRef n;
  Status st = getNode(r, *path, kPermWrite, n);
  if (st) {
    if (*st != Err::ENOENT_) {
      return st;
    }
    if (Status c = createNode(r, *path, {})) {
      return c;
    }
    fireWatches(r, *path, false, nullptr, nullptr);
  }
  r.replyOk();
  return kOk;
}

Status opRm(Req& r) {
  auto path = r.nodePath(nthString(r.payload, 0));
  if (!path) {
    return Err::EINVAL_;
  }
  NodeRef n;
  Status st = getNode(r, *path, kPermWrite, n);
  if (st) {
    if (*st != Err::ENOENT_) {
      return st;
    }
    // Removing what is not there is fine if the parent exists.
    NodeRef parent;
    Status pst = readNode(r, parentPath(*path), parent);
    if (!pst) {
      r.replyOk();
      return kOk;
    }
    return (*pst == Err::ENOMEM_ || *pst == Err::ENOSPC_) ? pst : Status(Err::ENOENT_);
  }
  if (*path == "/") {
    return Err::EINVAL_;
  }
  if (Status rm = removeNode(r, *path)) {
    return rm;
  }
  r.replyOk();
  return kOk;
}

Status opDirectory(Req& r) {
  auto path = r.nodePath(nthString(r.payload, 0));
  if (!path) {
    return Err::EINVAL_;
  }
  NodeRef n;
  if (Status st = getNode(r, *path, kPermRead, n)) {
    return st;
  }
  std::string& out = r.s.outBuf;
  out.clear();
  listChildren(r, *path, n, out);
  r.reply(out);
  return kOk;
}

// Byte offset into the NUL-separated child list; the reply starts with the
// node's generation, holds whole names only and ends with an extra NUL once
// the list is exhausted (C send_directory_part()).
Status opDirectoryPart(Req& r) {
  auto path = r.nodePath(nthString(r.payload, 0));
  if (!path) {
    return Err::EINVAL_;
  }
  NodeRef n;
  if (Status st = getNode(r, *path, kPermRead, n)) {
    return st;
  }
  auto off = static_cast<uint32_t>(cAtoi(nthString(r.payload, 1)));
  std::string& kids = r.s.outBuf;
  kids.clear();
  listChildren(r, *path, n, kids);
  std::string out = fmt::format("{}", n.gen());
  out.push_back('\0');
  size_t genlen = out.size();
  if (off >= kids.size()) {
    out.push_back('\0');
    r.reply(out);
    return kOk;
  }
  size_t maxlen = kPayloadMax - genlen - 1;
  size_t len = 0;
  const char* child = kids.data() + off;
  // kids always ends in a NUL, so strlen() stays inside it.
  while (len + std::strlen(child) < maxlen) {
    size_t l = std::strlen(child) + 1;
    len += l;
    child += l;
    if (off + len == kids.size()) {
      break;
    }
  }
  out.append(kids, off, len);
  if (off + len == kids.size()) {
    out.push_back('\0');
  }
  r.reply(out);
  return kOk;
}

Status opGetPerms(Req& r) {
  auto path = r.nodePath(nthString(r.payload, 0));
  if (!path) {
    return Err::EINVAL_;
  }
  NodeRef n;
  if (Status st = getNode(r, *path, kPermRead, n)) {
    return st;
  }
  std::string& out = r.s.outBuf;
  out.clear();
  formatPermList(n.perms(), out);
  r.reply(out);
  return kOk;
}

Status opSetPerms(Req& r) {
  Impl& s = r.s;
  size_t num = countStrings(r.payload) - 1;
  if (r.unpriv()) {
    uint32_t q = r.quota(QuotaKey::Permissions);
    if (q != 0 && num > q) {
      return Err::ENOSPC_;
    }
  }
  std::string_view arg = nthString(r.payload, 0);
  PermList perms;
  size_t pos = arg.size() + 1;
  for (size_t i = 0; i < num; ++i) {
    size_t nul = r.payload.find('\0', pos);
    auto p = parsePerm(r.payload.substr(pos, nul - pos));
    if (!p) {
      return Err::EINVAL_;
    }
    // C domain_alloc_permrefs(): entries for domains that do not exist are
    // kept but ignored; a missing owner is an error. Ids from
    // DOMID_FIRST_RESERVED on are never domains.
    constexpr DomId kFirstReserved = 0x7ff0;
    if (!s.findDomain(p->id) && (p->id >= kFirstReserved || !s.hooks.domainExists(p->id))) {
      p->bits |= kPermIgnore;
    }
    perms.push(*p);
    pos = nul + 1;
  }
  if (perms.get(0).bits & kPermIgnore) {
    return Err::ENOENT_;
  }

  if (!arg.empty() && arg[0] == '@') {
    PermList* special = arg == "@introduceDomain" ? &s.introducePerms
                        : arg == "@releaseDomain" ? &s.releasePerms
                                                  : nullptr;
    if (!special) {
      return Err::EINVAL_;
    }
    constexpr uint8_t kWO = kPermWrite | kPermOwner;
    if ((s.permForSpecial(r.c, *special) & kWO) != kWO) {
      return Err::EACCES_;
    }
    *special = perms;
    s.journalNode(arg, {}, perms);
    r.replyOk();
    return kOk;
  }

  auto path = r.nodePath(arg);
  if (!path) {
    return Err::EINVAL_;
  }
  NodeRef n;
  if (Status st = getNode(r, *path, kPermWrite | kPermOwner, n)) {
    return st;
  }
  // Only privileged domains may hand a node to another owner.
  if (r.unpriv() && perms.get(0).id != n.perms().get(0).id) {
    return Err::EPERM_;
  }
  PermList old = n.perms();
  if (Status st = setNodePerms(r, *path, n, perms)) {
    return st;
  }
  fireWatches(r, *path, false, r.tx ? nullptr : n.base, &old);
  r.replyOk();
  return kOk;
}

}  // namespace xenia::xs::store

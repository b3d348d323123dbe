// xend SXP -> DomainConfig: (domain ...) from `xm list -l` or (vm ...) from
// `xm create -n`/config.sxp files. Reads what sxp_write.cc writes, plus the
// older spellings xend accepted (string cpus, dashless uuids, 'hda:disk').
#include <algorithm>
#include <bit>
#include <variant>

#include "config/model/build.h"
#include "config/model/cpu_spec.h"
#include "config/model/device_spec.h"
#include "config/model/disk_spec.h"
#include "config/model/json.h"
#include "config/model/names.h"
#include "config/model/net_spec.h"
#include "config/model/sxp.h"
#include "config/model/sxp_read_ctx.h"
#include "config/model/text.h"

namespace xenia::config {

using detail::SxpReader;

Expected<DomainConfig, ModelError> domainFromSxp(const Sexp& s, std::string_view fileName,
                                                 Random& rng) {
  SxpReader r(fileName);
  const std::string* root = s.name();
  if (!s.isList || !root || (*root != "domain" && *root != "vm")) {
    r.fail("", s, "Expected a (domain ...) or (vm ...) configuration.");
    return unexpected(r.error());
  }
  DomainConfig d;
  r.str(s, "name", d.name);
  std::string uuid;
  r.str(s, "uuid", uuid);
  if (!uuid.empty()) {
    auto u = parseUuid(uuid);
    if (!u) {
      r.fail("uuid", *s.child("uuid"), u.error());
    } else {
      d.uuid = *u;
    }
  }
  r.str(s, "description", d.description);
  r.integer(s, "memory", d.memory);
  d.maxmem = d.memory;
  r.integer(s, "maxmem", d.maxmem);
  r.integer(s, "shadow_memory", d.shadowMemory);
  r.integer(s, "vcpus", d.maxvcpus);
  d.vcpus = d.maxvcpus;
  if (auto avail = r.atom(s, "vcpu_avail")) {
    // Count the low run of ones (xend's bitmap of online vCPUs).
    auto m = text::parseUnsigned(*avail);
    if (m) {
      d.vcpus = std::countr_one(*m);
    } else if (avail->size() > 19) {
      d.vcpus = d.maxvcpus;  // beyond 64 bits: wider masks are all-online in practice
    } else {
      r.fail("vcpu_avail", *s.child("vcpu_avail"), "Expected a bitmask.");
    }
  }
  detail::readCpus(r, s, d);
  r.integer(s, "cpu_weight", d.cpuWeight);
  r.integer(s, "cpu_cap", d.cpuCap);
  r.name(s, "on_poweroff", d.onPoweroff, actionFromName);
  r.name(s, "on_reboot", d.onReboot, actionFromName);
  r.name(s, "on_crash", d.onCrash, actionFromName);
  r.name(s, "on_xend_start", d.onXendStart, xendStartFromName);
  r.name(s, "on_xend_stop", d.onXendStop, xendStopFromName);
  r.str(s, "bootloader", d.bootloader);
  r.str(s, "bootloader_args", d.bootloaderArgs);
  if (const Sexp* image = s.childValue("image")) {
    detail::readImage(r, *image, d);
  }
  r.boolean(s, "localtime", d.localtime);  // xend also kept it at top level
  for (const Sexp* dev : s.childrenNamed("device")) {
    auto kids = dev->children();
    if (kids.empty() || !kids[0].isList || !kids[0].name()) {
      r.fail("device", *dev, "Expected (device (TYPE ...)).");
      break;
    }
    const Sexp& body = kids[0];
    const std::string& type = *body.name();
    if (type == "vbd" || type == "tap" || type == "tap2") {
      detail::readDisk(r, body, d);
    } else if (type == "vif") {
      detail::readVif(r, body, d);
    } else if (type == "vfb") {
      detail::readVfb(r, body, d);
    } else if (type == "pci") {
      detail::readPci(r, body, d);
    }
    // console, vkbd, vusb, vscsi, vtpm, ioports, irq: not modelled.
  }
  detail::readCpuid(r, s, d);
  if (auto other = r.atom(s, "xenia_other_keys"); other && !other->empty()) {
    auto j = nlohmann::ordered_json::parse(*other, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      r.fail("xenia_other_keys", *s.child("xenia_other_keys"), "Expected a JSON object.");
    } else {
      for (auto it = j.begin(); it != j.end(); ++it) {
        d.otherKeys.emplace_back(it.key(), valueFromJson(it.value()));
      }
    }
  }
  if (!r.ok()) {
    return unexpected(r.error());
  }
  auto done = finishDomain(std::move(d), rng);
  if (!done) {
    ModelError e = done.error();
    e.loc.file = std::string(fileName);
    return unexpected(e);
  }
  return done;
}

Expected<DomainConfig, ModelError> domainFromSxpText(std::string_view text,
                                                     std::string_view fileName, Random& rng) {
  auto s = readSxp(text, fileName);
  if (!s) {
    const ParseError& e = s.error();
    return unexpected(ModelError{"", e.loc, e.message});
  }
  return domainFromSxp(*s, fileName, rng);
}

}  // namespace xenia::config

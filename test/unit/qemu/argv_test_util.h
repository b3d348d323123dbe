// Helpers for the qemu/argv unit tests: minimal PV and HVM domains, the fixed
// host facts, and queries over an argv ("the values of every -device").
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "qemu/argv/argv.h"
#include "qemu_testdata.h"

namespace xenia::qemu::test {

inline config::DomainConfig basePv() {
  config::DomainConfig c;
  c.name = "pv1";
  c.uuid = "11111111-2222-3333-4444-555555555555";
  c.type = config::GuestType::kPv;
  c.memory = 256;
  c.maxmem = 256;
  c.kernel = "/boot/vmlinuz";
  c.ramdisk = "/boot/initrd.img";
  c.cmdline = "root=/dev/xvda1 ro";
  return c;
}

inline config::DomainConfig baseHvm() {
  config::DomainConfig c;
  c.name = "hvm1";
  c.uuid = "11111111-2222-3333-4444-666666666666";
  c.type = config::GuestType::kHvm;
  c.memory = 512;
  c.maxmem = 512;
  return c;
}

inline config::Disk disk(std::string target, std::string vdev) {
  config::Disk d;
  d.backend = config::DiskBackend::kFile;
  d.target = std::move(target);
  d.vdev = std::move(vdev);
  return d;
}

inline config::Vif vif(std::string mac) {
  config::Vif v;
  v.mac = std::move(mac);
  return v;
}

inline HostFacts facts(const config::DomainConfig& c) { return testdata::goldenFacts(c); }

// Every value following `flag` in argv, in order.
inline std::vector<std::string> values(const Argv& argv, std::string_view flag) {
  std::vector<std::string> out;
  for (size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] == flag) {
      out.push_back(argv[i + 1]);
    }
  }
  return out;
}

inline bool has(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// Values of `flag` that start with `prefix`.
inline std::vector<std::string> withPrefix(const Argv& argv, std::string_view flag,
                                           std::string_view prefix) {
  std::vector<std::string> out;
  for (const std::string& v : values(argv, flag)) {
    if (v.compare(0, prefix.size(), prefix) == 0) {
      out.push_back(v);
    }
  }
  return out;
}

// Builds and fails the test (returning an empty argv) on error.
inline Argv build(const config::DomainConfig& c, const HostFacts& f) {
  auto r = buildArgv(c, f);
  EXPECT_TRUE(r) << (r ? "" : r.error().format());
  return r ? *r : Argv{};
}
inline Argv build(const config::DomainConfig& c) { return build(c, facts(c)); }

// The error of a build that must fail.
inline TranslateError buildError(const config::DomainConfig& c, const HostFacts& f) {
  auto r = buildArgv(c, f);
  EXPECT_FALSE(r) << "unexpectedly built:\n" << (r ? formatArgs(*r) : "");
  return r ? TranslateError{} : r.error();
}
inline TranslateError buildError(const config::DomainConfig& c) {
  return buildError(c, facts(c));
}

}  // namespace xenia::qemu::test

// The fixture of the xm end-to-end unit tests: runs runXm() in-process with
// captured output against a FakeXend, and builds protocol records.
#pragma once

#include <gtest/gtest.h>

#include <sstream>

#include "fake_xend.h"
#include "xm/run.h"

namespace xenia::xm {

using testing::FakeXend;
using testing::TempDir;

struct Result {
  int rc;
  std::string out;
  std::string err;
};

class XmRun : public ::testing::Test {
 protected:
  Result run(std::vector<std::string> argv, const std::string& socket = "") {
    std::ostringstream out, err;
    Env env;
    env.out = &out;
    env.err = &err;
    env.socketPath = socket.empty() ? xend_.socketPath() : socket;
    env.root = root_;
    env.now = [this] { return now_; };
    env.hostUptime = [] { return std::optional<double>(3723.4); };
    env.localTimeHms = [] { return std::string("18:51:02"); };
    env.sleep = [this](std::chrono::milliseconds) { ++sleeps_; };
    env.callTimeout = std::chrono::seconds(10);
    env.longCallTimeout = std::chrono::seconds(10);
    env.stdinFd = stdinFd_;
    env.stdoutFd = stdoutFd_;
    int rc = runXm(argv, env);
    return {rc, out.str(), err.str()};
  }

  static Json domains(std::initializer_list<Json> ds) { return Json{{"domains", Json(ds)}}; }
  // What xend answers to domain.list with `doms`: the named domains only.
  static FakeXend::Answer listAnswer(const Json& all, const Json& params) {
    if (!params.contains("doms")) {
      return {all, std::nullopt};
    }
    Json picked = Json::array();
    for (const auto& want : params["doms"]) {
      for (const auto& d : all["domains"]) {
        if (d["name"] == want || (!d["domid"].is_null() && d["domid"].dump() == want)) {
          picked.push_back(d);
        }
      }
    }
    return {Json{{"domains", picked}}, std::nullopt};
  }
  static Json dom0() {
    return Json::parse(
        R"({"name": "Domain-0", "domid": 0, "uuid": "00000000-0000-0000-0000-000000000000",
        "memory": 1024, "maxmem": 1024, "vcpus": 2, "online_vcpus": 2, "state": "r-----",
        "status": 2, "cpu_time": 123.4, "start_time": 1000.0, "accel": "kvm",
        "managed": false, "type": "pv"})");
  }
  static Json web1(std::optional<int> domid, double start = 5000.0) {
    Json j = Json::parse(R"({"name": "web1", "uuid": "5a9b8e2c-0000-4000-8000-000000000001",
        "memory": 512, "maxmem": 512, "vcpus": 1, "online_vcpus": 1, "cpu_time": 0.0,
        "accel": "kvm", "managed": true, "type": "pv"})");
    j["domid"] = domid ? Json(*domid) : Json(nullptr);
    j["state"] = domid ? "-b----" : "";
    j["status"] = domid ? 2 : 0;
    j["start_time"] = domid ? Json(start) : Json(nullptr);
    return j;
  }

  FakeXend xend_;
  bool root_ = true;
  double now_ = 100000.0;
  int sleeps_ = 0;
  int stdinFd_ = 0;
  int stdoutFd_ = 1;
};

}  // namespace xenia::xm

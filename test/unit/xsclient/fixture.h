// gtest fixture: a fresh daemon (see test_daemon.h) per test and helpers to
// connect clients to it.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "test_daemon.h"
#include "xenstore/client/client.h"

namespace xenia::xs::test {

class DaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!TestDaemon::available()) {
      GTEST_SKIP() << "the requested XenStore daemon is not installed";
    }
    daemon_ = std::make_unique<TestDaemon>();
    ASSERT_TRUE(daemon_->started()) << "daemon did not start";
  }

  std::unique_ptr<Client> connect() {
    auto c = Client::connect(daemon_->socketPath());
    if (!c) {
      ADD_FAILURE() << "connect failed: errno " << c.error();
      return nullptr;
    }
    return std::move(c).value();
  }

  bool isXen() const { return TestDaemon::wantXen(); }

  std::unique_ptr<TestDaemon> daemon_;
};

}  // namespace xenia::xs::test

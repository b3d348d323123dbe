// The cfg -> QEMU argv golden suite for host facts xend adds from its own
// config: the cases in test/golden/xend-facts get the fixed facts of the main
// argv suite plus xend's console log (/var/log/xen/console/guest-<case>.log,
// which QEMU appends to from hvc0 and from serial port 0 when it is a pty)
// and, when the case says so on a line of its own,
//   # golden-facts: vnc-tls=DIR [vnc-tls-verify] [xenstore-ports=N] [early-console]
// VNC TLS credentials (xend-config's vnc-tls, vnc-x509-cert-dir,
// vnc-x509-verify), the number of guest XenStore ports and xenia-early-console. Kept apart so the ~90 main cases stay as they are.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "qemu/argv/argv.h"
#include "qemu_testdata.h"
#include "test/golden/harness.h"
#include "test/golden/model_case.h"

namespace xenia {
namespace {

namespace fs = std::filesystem;

const std::string kCasesDir = std::string(XENIA_SOURCE_DIR) + "/test/golden/xend-facts";

Expected<Ok, std::string> applyFactsLine(const std::string& text, qemu::HostFacts* facts) {
  constexpr std::string_view kTag = "# golden-facts:";
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with(kTag)) {
      continue;
    }
    std::istringstream words(line.substr(kTag.size()));
    for (std::string w; words >> w;) {
      if (w.starts_with("vnc-tls=")) {
        facts->vncTls = qemu::VncTlsFacts{w.substr(8), false};
      } else if (w == "vnc-tls-verify" && facts->vncTls) {
        facts->vncTls->verifyPeer = true;
      } else if (w == "early-console") {
        facts->earlyConsole = true;
      } else if (w.starts_with("xenstore-ports=")) {
        facts->xenstorePorts = std::stoi(w.substr(15));
      } else {
        return unexpected("unknown golden-facts word '" + w + "'");
      }
    }
  }
  return Ok{};
}

Expected<std::string, std::string> toArgs(const golden::CaseInput& in) {
  auto dom = golden::caseToModel(in);
  if (!dom) {
    return unexpected(dom.error());
  }
  qemu::HostFacts facts = qemu::testdata::goldenFacts(*dom);
  facts.consoleLog = "/var/log/xen/console/guest-" + in.name + ".log";
  if (auto a = applyFactsLine(in.text, &facts); !a) {
    return unexpected(a.error());
  }
  auto argv = qemu::buildArgv(*dom, facts);
  if (!argv) {
    return unexpected("argv: " + argv.error().format());
  }
  return qemu::formatArgs(*argv);
}

TEST(ArgvXendFactsGolden, EveryCase) {
  golden::Golden g(kCasesDir, "args.err");
  g.addSuite("args", toArgs);
  int registered = 0;
  for (const auto& entry : fs::directory_iterator(kCasesDir)) {
    std::string file = entry.path().filename().string();
    if (file.ends_with(".cfg")) {
      g.ok(file.substr(0, file.find('.')));
      ++registered;
    }
  }
  EXPECT_GT(registered, 0) << "no cases in " << kCasesDir;
  golden::expectGolden(g);
}

}  // namespace
}  // namespace xenia

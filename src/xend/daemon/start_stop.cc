// What xend does to domains when it starts and stops: managed domains with
// on_xend_start=start and the xm configs of the auto dir (lexical order,
// `xenia_autostart_delay = <s>` delaying the next one), and on_xend_stop
// (suspend or shut down) for running managed domains on SIGTERM.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include "config/lang/xm.h"
#include "config/model/build.h"
#include "xend/daemon/daemon.h"
#include "xend/vm/vm_record.h"

namespace xenia::xend {

namespace fs = std::filesystem;

namespace {

double autostartDelay(const config::DomainConfig& cfg) {
  for (const auto& [k, v] : cfg.otherKeys) {
    if (k != "xenia_autostart_delay") {
      continue;
    }
    if (const auto* i = std::get_if<int64_t>(&v.v)) {
      return static_cast<double>(*i);
    }
    if (const auto* f = std::get_if<double>(&v.v)) {
      return *f;
    }
    if (const auto* s = std::get_if<std::string>(&v.v)) {
      char* end = nullptr;
      double x = std::strtod(s->c_str(), &end);
      return end && *end == '\0' ? x : 0;
    }
  }
  return 0;
}

}  // namespace

void Daemon::autostart() {
  // Managed domains with on_xend_start=start first (by name), then the auto
  // dir's configs in lexical order.
  for (Domain* d : sortedDomains()) {
    if (d->managed && !d->running() && !d->suspended &&
        d->cfg.onXendStart == config::XendStartAction::kStart) {
      if (auto f = checkFits(d->cfg, d); !f) {
        event(fmt::format("Not starting {}: {}", d->cfg.name, f.error().message));
        continue;
      }
      if (auto id = startDomain(*d, false); !id) {
        event(fmt::format("Starting {} (on_xend_start) failed: {}", d->cfg.name,
                          id.error().message));
      }
    }
  }
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(opts_.autoDir, ec)) {
    if (e.is_regular_file()) {  // follows symlinks, as xendomains did
      files.push_back(e.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  startNextAuto(std::move(files), 0);
}

void Daemon::startNextAuto(std::vector<std::string> files, size_t i) {
  if (i >= files.size() || stopping_) {
    return;
  }
  const std::string& file = files[i];
  double delay = 0;
  auto text = readSmallFile(file, 1 << 20);
  if (!text) {
    event(fmt::format("Autostart: {}", text.error()));
  } else if (auto parsed = config::parseXm(*text, file); !parsed) {
    event(fmt::format("Autostart: {}", parsed.error().format()));
  } else if (auto cfg = config::buildDomain(*parsed, config::Dialect::kXm, *rng_); !cfg) {
    event(fmt::format("Autostart: {}", cfg.error().format()));
  } else if (find(cfg->name) != nullptr) {
    // Already running (re-attached) or defined: nothing to do.
  } else if (auto u = checkUnique(*cfg, nullptr); !u) {
    event(fmt::format("Autostart of {}: {}", file, u.error().message));
  } else if (auto f = checkFits(*cfg, nullptr); !f) {
    event(fmt::format("Autostart of {}: {}", file, f.error().message));
  } else {
    delay = autostartDelay(*cfg);
    Domain& d = addDomain(std::move(*cfg), false);
    uint64_t key = d.key;
    auto id = startDomain(d, false);
    if (!id) {
      event(fmt::format("Autostart of {} failed: {}", file, id.error().message));
      eraseDomain(key);
    } else {
      event(fmt::format("Autostarted {} from {}.", d.cfg.name, file));
    }
  }
  auto ms = std::chrono::milliseconds(static_cast<int64_t>(std::max(0.0, delay) * 1000));
  loop_.addTimer(ms, [this, files = std::move(files), i]() mutable {
    startNextAuto(std::move(files), i + 1);
  });
}

void Daemon::applyXendStop() {
  std::vector<uint64_t> waiting;
  for (Domain* d : sortedDomains()) {
    if (!d->managed || !d->running() || !d->vm) {
      continue;
    }
    if (d->cfg.onXendStop == config::XendStopAction::kSuspend) {
      auto r = mSuspend(Json{{"dom", d->cfg.uuid}});
      if (!r) {
        event(fmt::format("on_xend_stop suspend of {} failed: {}", d->cfg.name,
                          r.error().message));
      }
    } else if (d->cfg.onXendStop == config::XendStopAction::kShutdown) {
      event(fmt::format("on_xend_stop: shutting {} down.", d->cfg.name));
      d->shutdownRequested = true;
      (void)d->vm->powerdown();
      waiting.push_back(d->key);
    }
  }
  // Wait for the guests to power off (their on_poweroff runs as usual).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  auto pending = [&] {
    for (uint64_t k : waiting) {
      Domain* d = byKey(k);
      if (d && d->running()) {
        return true;
      }
    }
    return false;
  };
  while (pending() && std::chrono::steady_clock::now() < deadline) {
    loop_.runOnce(std::chrono::milliseconds(100));
  }
  for (uint64_t k : waiting) {
    if (Domain* d = byKey(k); d && d->running()) {
      event(fmt::format("on_xend_stop: {} did not shut down in 60 s; destroying it.",
                        d->cfg.name));
      teardown(*d);
    }
  }
}

}  // namespace xenia::xend

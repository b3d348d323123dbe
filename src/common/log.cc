// Component loggers sharing one sink (stderr or a log file).
#include "common/log.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <mutex>

namespace xenia::log {
namespace {
std::mutex gMutex;
spdlog::sink_ptr gSink;

spdlog::sink_ptr sink() {
  if (!gSink) gSink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  return gSink;
}
}  // namespace

std::shared_ptr<spdlog::logger> get(const std::string& component) {
  std::lock_guard lock(gMutex);
  if (auto l = spdlog::get(component)) return l;
  auto l = std::make_shared<spdlog::logger>(component, sink());
  // Applies (and registers with) the registry's level and flush level; the
  // default logger that spdlog::get_level() reads is gone after drop_all().
  spdlog::initialize_logger(l);
  return l;
}

void init(const std::string& level, const std::string& file) {
  std::lock_guard lock(gMutex);
  gSink = file.empty() ? spdlog::sink_ptr(std::make_shared<spdlog::sinks::stderr_sink_mt>())
                       : spdlog::sink_ptr(std::make_shared<spdlog::sinks::basic_file_sink_mt>(file));
  spdlog::drop_all();
  spdlog::set_level(spdlog::level::from_str(level));
  spdlog::flush_on(spdlog::level::info);
}

}  // namespace xenia::log

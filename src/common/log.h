// Logging: one spdlog logger per component, set up once by each program's main().
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace xenia::log {

// Returns the named component logger ("xenstored", "xend"...), creating it on
// first use with the process-wide sinks.
std::shared_ptr<spdlog::logger> get(const std::string& component);

// Sends all component loggers to stderr (foreground) or to a file.
// level: "trace".."off".
void init(const std::string& level, const std::string& file = "");

}  // namespace xenia::log

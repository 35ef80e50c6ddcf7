// Process-wide logging with spdlog: human-readable lines or JSON lines, on stderr.
// Two loggers: the default one for events, and "access" for one line per HTTP request.
#pragma once

#include <string>

#include "app/config.hpp"

namespace scratch::app {

void setup_logging(const std::string& level, LogFormat format);

// JSON string escaping for log messages (exposed for tests).
std::string json_escape(const std::string& text);

}  // namespace scratch::app

// Turns a failed connector call into the problem+json answer the API gives.
#pragma once

#include <string>

#include "connectors/connectors.hpp"
#include "http/problem.hpp"

namespace scratch::connectors {

// 504 connector_timeout, 502 connector_crashed, 503 connector_unavailable/busy, 502 connector_error
// (the plugin's own error, whose code and message are kept in `connector_error`).
http::ApiError call_error(const std::string& connector, const std::string& op, const CallResult& result);

}  // namespace scratch::connectors

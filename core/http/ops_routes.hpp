// Operational routes every role serves: /healthz, /readyz, /metrics, /api/v1/openapi.json.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "http/metrics.hpp"
#include "http/router.hpp"

namespace scratch::http {

// Returns nullopt when the database answers, else a short reason.
using ReadinessCheck = std::function<std::optional<std::string>()>;

void add_ops_routes(Router& router, Metrics& metrics, ReadinessCheck database_ready, std::string version);

}  // namespace scratch::http

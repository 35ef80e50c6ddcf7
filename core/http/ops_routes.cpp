#include "http/ops_routes.hpp"

#include "http/openapi.hpp"

namespace scratch::http {

void add_ops_routes(Router& router, Metrics& metrics, ReadinessCheck database_ready, std::string version) {
  using nlohmann::json;
  const json status_schema = {{"type", "object"}, {"properties", {{"status", {{"type", "string"}}}}}};

  router.add("GET", "/healthz",
             {.operation_id = "getHealth",
              .summary = "Liveness: the process is up (does not touch the database)",
              .tag = "operations",
              .response_schema = status_schema},
             [](Request&) {
               return Response::json(200, {{"status", "ok"}});
             });

  router.add("GET", "/readyz",
             {.operation_id = "getReadiness",
              .summary = "Readiness: the database is reachable; 503 while it is not",
              .tag = "operations",
              .response_schema = status_schema},
             [check = std::move(database_ready)](Request&) {
               if (auto problem = check()) {
                 throw ApiError(503, "database_unavailable", "Database unavailable", *problem)
                     .with_header("Retry-After", "5");
               }
               return Response::json(200, {{"status", "ready"}, {"database", "up"}});
             });

  router.add("GET", "/metrics",
             {.operation_id = "getMetrics",
              .summary = "Prometheus metrics: requests by route and status, latency, database pool use",
              .tag = "operations",
              .response_schema = {{"type", "string"}},
              .response_content_type = "text/plain"},
             [&metrics](Request&) {
               return Response::text(200, metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
             });

  router.add("GET", "/api/v1/openapi.json",
             {.operation_id = "getOpenApi",
              .summary = "This API's OpenAPI 3.1 document",
              .tag = "operations",
              .response_schema = {{"type", "object"}}},
             [&router, version](Request&) { return Response::json(200, build_openapi(router, version)); });
}

}  // namespace scratch::http

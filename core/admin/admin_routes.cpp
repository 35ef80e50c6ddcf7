#include "admin/admin_routes.hpp"

#include <chrono>

namespace scratch::admin {

void add_admin_routes(http::Router& router, const auth::Authenticator& authenticator,
                      DatabaseStatus database_status, std::string role_name) {
  const auto started = std::chrono::steady_clock::now();
  const auto started_wall = std::chrono::system_clock::now();
  router.add(
      "GET", "/api/v1/admin/info",
      {.operation_id = "getAdminInfo",
       .summary = "Server version, uptime and database status (ADMIN only)",
       .tag = "admin",
       .requires_auth = true,
       .response_schema = {{"type", "object"},
                           {"properties",
                            {{"version", {{"type", "string"}}},
                             {"uptime_seconds", {{"type", "number"}}},
                             {"role", {{"type", "string"}}},
                             {"database", {{"type", "object"}}}}}},
       .error_statuses = {403}},
      [&authenticator, database_status, role_name, started, started_wall](http::Request& request) {
        authenticator.require_admin(request);
        const double uptime =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        return http::Response::json(
            200, {{"version", SCRATCH_VERSION},
                  {"uptime_seconds", uptime},
                  {"started_at_unix",
                   std::chrono::duration_cast<std::chrono::seconds>(started_wall.time_since_epoch()).count()},
                  {"role", role_name},
                  {"database", database_status()}});
      });
}

}  // namespace scratch::admin

// Admin-only routes. /api/v1/admin/info reports version, uptime and database status.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>

#include "auth/authenticator.hpp"
#include "http/router.hpp"

namespace scratch::admin {

// Produces the "database" member of /admin/info (status, server version, migrations, pool).
using DatabaseStatus = std::function<nlohmann::json()>;

void add_admin_routes(http::Router& router, const auth::Authenticator& authenticator,
                      DatabaseStatus database_status, std::string role_name);

}  // namespace scratch::admin

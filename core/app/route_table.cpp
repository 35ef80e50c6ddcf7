#include "app/route_table.hpp"

namespace scratch::app {

void add_api_routes(http::Router& router, ApiServices& services) {
  auth::add_auth_routes(router, services.auth, services.authenticator);
  auth::add_api_token_routes(router, services.api_tokens, services.authenticator);
  admin::add_admin_routes(router, services.authenticator, services.database_status, services.role_name);
}

}  // namespace scratch::app

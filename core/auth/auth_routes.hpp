// HTTP routes for accounts and tokens: /api/v1/auth/*, /api/v1/me, /api/v1/api-tokens.
#pragma once

#include "auth/api_token_service.hpp"
#include "auth/auth_service.hpp"
#include "auth/authenticator.hpp"
#include "http/router.hpp"

namespace scratch::auth {

void add_auth_routes(http::Router& router, AuthService& service, const Authenticator& authenticator);
void add_api_token_routes(http::Router& router, ApiTokenService& service, const Authenticator& authenticator);

}  // namespace scratch::auth

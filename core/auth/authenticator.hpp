// Turns "Authorization: Bearer <token>" into a Principal. Two kinds of bearer token are accepted:
// access tokens (HS256 JWTs naming a session, which must still be live) and API tokens ("scr_...",
// looked up by hash). Anything else, or a revoked/expired/tampered token, is 401.
#pragma once

#include <optional>
#include <string>

#include "auth/principal.hpp"
#include "db/connection_pool.hpp"
#include "http/request.hpp"

namespace scratch::auth {

class Authenticator {
 public:
  Authenticator(db::ConnectionPool& pool, std::string session_secret);

  Principal require(const http::Request& request) const;
  Principal require_admin(const http::Request& request) const;  // 403 for a non-admin
  // nullopt when the request carries no Authorization header at all.
  std::optional<Principal> optional(const http::Request& request) const;

 private:
  Principal from_access_token(const std::string& token) const;
  Principal from_api_token(const std::string& token) const;

  db::ConnectionPool& pool_;
  std::string session_secret_;
};

// API token secrets start with this, so they are recognisable in logs and by secret scanners.
inline constexpr const char* kApiTokenPrefix = "scr_";

}  // namespace scratch::auth

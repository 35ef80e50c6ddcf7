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

  // Users only: an agent token is refused with 403 agent_token_forbidden.
  Principal require(const http::Request& request) const;
  // Users and agent tokens (check principal.is_agent() and its snapshot before serving).
  Principal require_user_or_agent(const http::Request& request) const;
  Principal require_admin(const http::Request& request) const;  // 403 for a non-admin
  // nullopt when the request carries no Authorization header at all.
  std::optional<Principal> optional(const http::Request& request) const;
  std::optional<Principal> optional_user_or_agent(const http::Request& request) const;

 private:
  Principal from_access_token(const std::string& token) const;
  Principal from_api_token(const std::string& token) const;
  Principal from_agent_token(const std::string& token) const;

  db::ConnectionPool& pool_;
  std::string session_secret_;
};

// API token secrets start with this, so they are recognisable in logs and by secret scanners.
inline constexpr const char* kApiTokenPrefix = "scr_";
// Agent tokens (one snapshot, read and suggest only).
inline constexpr const char* kAgentTokenPrefix = "sat_";

}  // namespace scratch::auth

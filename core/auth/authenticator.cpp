#include "auth/authenticator.hpp"

#include <ctime>
#include <pqxx/pqxx>

#include "auth/jwt.hpp"
#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"
#include "db/transaction.hpp"
#include "http/problem.hpp"

namespace scratch::auth {
namespace {

using http::ApiError;

ApiError invalid_token(const std::string& detail) {
  return ApiError(401, "invalid_token", "Invalid token", detail)
      .with_header("WWW-Authenticate", "Bearer realm=\"scratch\", error=\"invalid_token\"");
}

}  // namespace

Authenticator::Authenticator(db::ConnectionPool& pool, std::string session_secret)
    : pool_(pool), session_secret_(std::move(session_secret)) {}

std::optional<Principal> Authenticator::optional(const http::Request& request) const {
  auto principal = optional_user_or_agent(request);
  if (principal && principal->is_agent()) {
    throw ApiError(403, "agent_token_forbidden", "Not allowed for agent tokens",
                   "an agent token can only read its snapshot and suggest changes");
  }
  return principal;
}

Principal Authenticator::require_user_or_agent(const http::Request& request) const {
  auto principal = optional_user_or_agent(request);
  if (!principal) throw http::errors::unauthorized("send 'Authorization: Bearer <token>'");
  return *principal;
}

std::optional<Principal> Authenticator::optional_user_or_agent(const http::Request& request) const {
  const auto header = request.header("Authorization");
  if (!header) return std::nullopt;
  const std::string& value = *header;
  if (value.size() < 7 || strncasecmp(value.c_str(), "Bearer ", 7) != 0) {
    throw http::errors::unauthorized("the Authorization header must be 'Bearer <token>'");
  }
  std::string token = value.substr(7);
  while (!token.empty() && token.front() == ' ')
    token.erase(0, 1);
  while (!token.empty() && token.back() == ' ')
    token.pop_back();
  if (token.empty()) throw http::errors::unauthorized("the bearer token is empty");
  if (token.rfind(kApiTokenPrefix, 0) == 0 && token.rfind("scr_rt_", 0) != 0) return from_api_token(token);
  if (token.rfind(kAgentTokenPrefix, 0) == 0) return from_agent_token(token);
  return from_access_token(token);
}

Principal Authenticator::require(const http::Request& request) const {
  auto principal = optional(request);
  if (!principal) throw http::errors::unauthorized("send 'Authorization: Bearer <token>'");
  return *principal;
}

Principal Authenticator::require_admin(const http::Request& request) const {
  Principal principal = require(request);
  if (!principal.is_admin()) throw http::errors::forbidden("this route is for administrators");
  return principal;
}

Principal Authenticator::from_access_token(const std::string& token) const {
  const auto verified = jwt_verify_hs256(token, session_secret_, std::time(nullptr));
  if (verified.error == JwtError::expired) {
    throw ApiError(401, "token_expired", "Token expired", "the access token has expired; refresh it")
        .with_header("WWW-Authenticate", "Bearer realm=\"scratch\", error=\"invalid_token\"");
  }
  if (!verified.ok())
    throw invalid_token(std::string("the access token is not valid (") + to_string(verified.error) + ")");
  const auto& claims = verified.claims;
  if (claims.value("typ", "") != "access" || !claims.contains("sid") || !claims["sid"].is_string() ||
      !claims.contains("sub") || !claims["sub"].is_string()) {
    throw invalid_token("the token is not an access token");
  }
  const std::string session_id = claims["sid"];
  const std::string user_id = claims["sub"];
  // The signature proves we issued it; the session row proves it has not been logged out since.
  const auto rows = db::with_read(pool_, [&](pqxx::read_transaction& tx) {
    return tx.exec_params(
        "SELECT u.id::text, u.email, u.role FROM sessions s JOIN users u ON u.id = s.user_id "
        "WHERE s.id = $1::uuid AND s.user_id = $2::uuid AND s.revoked_at IS NULL AND s.expires_at > now()",
        session_id, user_id);
  });
  if (rows.empty()) throw invalid_token("the session was logged out or has expired");
  Principal p;
  p.user_id = rows[0][0].as<std::string>();
  p.email = rows[0][1].as<std::string>();
  p.role = rows[0][2].as<std::string>();
  p.session_id = session_id;
  return p;
}

Principal Authenticator::from_api_token(const std::string& token) const {
  const std::string hash = crypto::hex_encode(crypto::sha256(token));
  return db::with_transaction(pool_, [&](pqxx::work& tx) {
    const auto rows = tx.exec_params(
        "SELECT t.id::text, u.id::text, u.email, u.role, "
        "       t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute' "
        "FROM api_tokens t JOIN users u ON u.id = t.user_id "
        "WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())",
        hash);
    if (rows.empty()) throw invalid_token("the API token is unknown, revoked or expired");
    const std::string token_id = rows[0][0].as<std::string>();
    // Record use at most once a minute, so a busy script does not write on every request.
    if (rows[0][4].as<bool>()) {
      tx.exec_params("UPDATE api_tokens SET last_used_at = now() WHERE id = $1::uuid", token_id);
    }
    Principal p;
    p.user_id = rows[0][1].as<std::string>();
    p.email = rows[0][2].as<std::string>();
    p.role = rows[0][3].as<std::string>();
    p.api_token_id = token_id;
    return p;
  });
}

Principal Authenticator::from_agent_token(const std::string& token) const {
  const std::string hash = crypto::hex_encode(crypto::sha256(token));
  return db::with_transaction(pool_, [&](pqxx::work& tx) {
    const auto rows = tx.exec_params(
        "SELECT t.id::text, u.id::text, u.email, t.snapshot_id::text, t.capabilities::text, "
        "       t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute' "
        "FROM agent_tokens t JOIN users u ON u.id = t.user_id "
        "WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > now()",
        hash);
    if (rows.empty()) throw invalid_token("the agent token is unknown, revoked or expired");
    const std::string token_id = rows[0][0].as<std::string>();
    if (rows[0][5].as<bool>()) {
      tx.exec_params("UPDATE agent_tokens SET last_used_at = now() WHERE id = $1::uuid", token_id);
    }
    Principal p;
    p.user_id = rows[0][1].as<std::string>();
    p.email = rows[0][2].as<std::string>();
    p.role = "AGENT";  // never an admin, whatever the owner is
    p.agent_token_id = token_id;
    p.agent_snapshot_id = rows[0][3].as<std::string>();
    for (const auto& c : nlohmann::json::parse(rows[0][4].as<std::string>()))
      p.agent_capabilities.push_back(c.get<std::string>());
    return p;
  });
}

}  // namespace scratch::auth

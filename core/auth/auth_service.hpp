// Accounts and sessions: sign-up, login (throttled), refresh-token rotation with reuse detection, logout.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "auth/login_throttle.hpp"
#include "auth/password_hasher.hpp"
#include "auth/user_store.hpp"
#include "db/connection_pool.hpp"

namespace scratch::auth {

struct AuthSettings {
  std::string session_secret;            // HS256 key for access tokens
  int access_token_ttl_seconds = 900;    // short: revocation also checks the session on every request
  int session_ttl_seconds = 30 * 86400;  // refresh tokens stop working this long after login
  bool allow_signup = true;
  ThrottleSettings throttle;
};

struct ClientInfo {
  std::string address;
  std::string user_agent;
};

struct IssuedTokens {
  User user;
  std::string access_token;
  std::string refresh_token;
  int expires_in = 0;
  nlohmann::json to_json() const;
};

class AuthService {
 public:
  AuthService(db::ConnectionPool& pool, AuthSettings settings, PasswordHasher hasher);

  // All of these throw http::ApiError with a stable code on the client's mistakes.
  IssuedTokens signup(const std::string& email, const std::string& password, const ClientInfo& client);
  IssuedTokens login(const std::string& email, const std::string& password, const ClientInfo& client);
  IssuedTokens refresh(const std::string& refresh_token, const ClientInfo& client);
  void revoke_session(const std::string& session_id);
  // Revokes the session a refresh token belongs to; false when the token is unknown.
  bool revoke_by_refresh_token(const std::string& refresh_token);

  // For the admin CLI: validates like signup, no session. Throws ApiError on a taken email.
  User create_user(const std::string& email, const std::string& password, const std::string& role);

  std::optional<User> find_user(const std::string& user_id);
  const AuthSettings& settings() const { return settings_; }
  std::string sign_access_token(const User& user, const std::string& session_id) const;

 private:
  void validate_credentials_shape(const std::string& email, const std::string& password) const;
  IssuedTokens open_session(pqxx::transaction_base& tx, const User& user, const ClientInfo& client) const;
  std::string issue_refresh_token(pqxx::transaction_base& tx, const std::string& session_id) const;

  db::ConnectionPool& pool_;
  AuthSettings settings_;
  PasswordHasher hasher_;
  LoginThrottle throttle_;
};

}  // namespace scratch::auth

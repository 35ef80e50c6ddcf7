#include "auth/auth_service.hpp"

#include <ctime>
#include <pqxx/pqxx>

#include "auth/jwt.hpp"
#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"
#include "crypto/random.hpp"
#include "db/db_errors.hpp"
#include "db/transaction.hpp"
#include "http/problem.hpp"

namespace scratch::auth {
namespace {

using http::ApiError;

constexpr std::size_t kMinPassword = 10;
constexpr std::size_t kMaxPassword = 1024;

std::string token_hash(const std::string& token) {
  return crypto::hex_encode(crypto::sha256(token));
}

// Runs `insert`, answering a taken email with 409 instead of the database's unique violation.
template <typename Fn>
auto translating_email_taken(Fn&& insert) {
  try {
    return insert();
  } catch (const std::exception& e) {
    if (db::is_unique_violation(e)) {
      throw ApiError(409, "email_taken", "Email already registered",
                     "an account with this email already exists");
    }
    throw;
  }
}

ApiError invalid_refresh(const std::string& detail) {
  return ApiError(401, "invalid_refresh_token", "Invalid refresh token", detail);
}

}  // namespace

nlohmann::json IssuedTokens::to_json() const {
  return {{"user", user_json(user)},
          {"access_token", access_token},
          {"refresh_token", refresh_token},
          {"token_type", "Bearer"},
          {"expires_in", expires_in}};
}

AuthService::AuthService(db::ConnectionPool& pool, AuthSettings settings, PasswordHasher hasher)
    : pool_(pool),
      settings_(std::move(settings)),
      hasher_(std::move(hasher)),
      throttle_(settings_.throttle) {}

void AuthService::validate_credentials_shape(const std::string& email, const std::string& password) const {
  if (!is_plausible_email(email) || email.size() > 254)
    throw http::errors::validation("email", "is not a valid email address");
  if (password.size() < kMinPassword) {
    throw http::errors::validation("password", "must be at least " + std::to_string(kMinPassword) + " bytes");
  }
  if (password.size() > kMaxPassword) {
    throw http::errors::validation("password", "must be at most " + std::to_string(kMaxPassword) + " bytes");
  }
}

std::string AuthService::sign_access_token(const User& user, const std::string& session_id) const {
  const std::int64_t now = std::time(nullptr);
  return jwt_sign_hs256({{"iss", "scratch"},
                         {"typ", "access"},
                         {"sub", user.id},
                         {"sid", session_id},
                         {"role", user.role},
                         {"iat", now},
                         {"exp", now + settings_.access_token_ttl_seconds}},
                        settings_.session_secret);
}

std::string AuthService::issue_refresh_token(pqxx::transaction_base& tx,
                                             const std::string& session_id) const {
  const std::string token = "scr_rt_" + crypto::random_token(32);
  tx.exec_params(
      "INSERT INTO refresh_tokens (token_hash, session_id, expires_at) "
      "SELECT $1, id, expires_at FROM sessions WHERE id = $2::uuid",
      token_hash(token), session_id);
  return token;
}

IssuedTokens AuthService::open_session(pqxx::transaction_base& tx, const User& user,
                                       const ClientInfo& client) const {
  const std::string session_id =
      tx.exec_params1(
            "INSERT INTO sessions (user_id, expires_at, client_address, user_agent) "
            "VALUES ($1::uuid, now() + make_interval(secs => $2), $3, $4) RETURNING id::text",
            user.id, settings_.session_ttl_seconds, client.address, client.user_agent.substr(0, 512))[0]
          .as<std::string>();
  IssuedTokens out;
  out.user = user;
  out.refresh_token = issue_refresh_token(tx, session_id);
  out.access_token = sign_access_token(user, session_id);
  out.expires_in = settings_.access_token_ttl_seconds;
  return out;
}

User AuthService::create_user(const std::string& email, const std::string& password,
                              const std::string& role) {
  validate_credentials_shape(email, password);
  const std::string hash = hasher_.hash(password);
  return translating_email_taken([&] {
    return db::with_transaction(pool_, [&](pqxx::work& tx) { return insert_user(tx, email, hash, role); });
  });
}

IssuedTokens AuthService::signup(const std::string& email, const std::string& password,
                                 const ClientInfo& client) {
  if (!settings_.allow_signup) {
    throw ApiError(403, "signup_disabled", "Sign-up disabled", "this server does not accept new accounts");
  }
  validate_credentials_shape(email, password);
  const std::string hash = hasher_.hash(password);  // slow on purpose: outside the transaction
  return translating_email_taken([&] {
    return db::with_transaction(pool_, [&](pqxx::work& tx) {
      const User user = insert_user(tx, email, hash, "USER");
      return open_session(tx, user, client);
    });
  });
}

IssuedTokens AuthService::login(const std::string& email, const std::string& password,
                                const ClientInfo& client) {
  struct Lookup {
    int blocked_for;
    std::optional<User> user;
  };
  const Lookup found = db::with_transaction(pool_, [&](pqxx::work& tx) {
    return Lookup{throttle_.blocked_for(tx, email, client.address), find_user_by_email(tx, email)};
  });
  if (found.blocked_for > 0) {
    throw ApiError(429, "too_many_login_attempts", "Too many failed logins",
                   "too many failed logins for this account or address; retry in " +
                       std::to_string(found.blocked_for) + " s")
        .with_header("Retry-After", std::to_string(found.blocked_for))
        .with("retry_after_seconds", found.blocked_for);
  }
  bool ok = false;
  if (found.user) {
    ok = hasher_.verify(password, found.user->password_hash);
  } else {
    hasher_.burn_time();  // an unknown email costs as long as a wrong password
  }
  if (!ok) {
    db::with_transaction(pool_, [&](pqxx::work& tx) { throttle_.record_failure(tx, email, client.address); });
    throw ApiError(401, "invalid_credentials", "Invalid credentials", "the email or password is wrong");
  }
  return db::with_transaction(pool_, [&](pqxx::work& tx) {
    throttle_.forgive_account(tx, email);
    return open_session(tx, *found.user, client);
  });
}

IssuedTokens AuthService::refresh(const std::string& refresh_token, const ClientInfo& client) {
  (void)client;
  enum class Outcome { ok, unknown, reused, expired };
  struct Result {
    Outcome outcome = Outcome::unknown;
    IssuedTokens tokens;
  };
  const Result result = db::with_transaction(pool_, [&](pqxx::work& tx) {
    const auto r = tx.exec_params(
        "SELECT rt.session_id::text, rt.used_at IS NOT NULL, "
        "       rt.expires_at > now() AND s.revoked_at IS NULL AND s.expires_at > now(), s.user_id::text "
        "FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id "
        "WHERE rt.token_hash = $1 FOR UPDATE OF rt, s",
        token_hash(refresh_token));
    Result out;
    if (r.empty()) return out;
    const std::string session_id = r[0][0].as<std::string>();
    if (r[0][1].as<bool>()) {
      // A rotated token came back: someone holds a copy. End the session for both holders.
      tx.exec_params("UPDATE sessions SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1::uuid",
                     session_id);
      out.outcome = Outcome::reused;
      return out;
    }
    if (!r[0][2].as<bool>()) {
      out.outcome = Outcome::expired;
      return out;
    }
    const auto user = find_user_by_id(tx, r[0][3].as<std::string>());
    if (!user) return out;
    tx.exec_params("UPDATE refresh_tokens SET used_at = now() WHERE token_hash = $1",
                   token_hash(refresh_token));
    out.tokens.user = *user;
    out.tokens.refresh_token = issue_refresh_token(tx, session_id);
    out.tokens.access_token = sign_access_token(*user, session_id);
    out.tokens.expires_in = settings_.access_token_ttl_seconds;
    out.outcome = Outcome::ok;
    return out;
  });
  switch (result.outcome) {
    case Outcome::ok:
      return result.tokens;
    case Outcome::unknown:
      throw invalid_refresh("the refresh token is not recognised");
    case Outcome::reused:
      throw invalid_refresh("the refresh token was already used; the session has been revoked, log in again");
    case Outcome::expired:
      throw invalid_refresh("the session has expired or was logged out; log in again");
  }
  throw invalid_refresh("the refresh token is not recognised");
}

std::optional<User> AuthService::find_user(const std::string& user_id) {
  return db::with_read(pool_, [&](pqxx::read_transaction& tx) { return find_user_by_id(tx, user_id); });
}

void AuthService::revoke_session(const std::string& session_id) {
  db::with_transaction(pool_, [&](pqxx::work& tx) {
    tx.exec_params("UPDATE sessions SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1::uuid",
                   session_id);
  });
}

bool AuthService::revoke_by_refresh_token(const std::string& refresh_token) {
  return db::with_transaction(pool_, [&](pqxx::work& tx) {
    return tx.exec_params(
                 "UPDATE sessions SET revoked_at = coalesce(revoked_at, now()) "
                 "WHERE id = (SELECT session_id FROM refresh_tokens WHERE token_hash = $1)",
                 token_hash(refresh_token))
               .affected_rows() == 1;
  });
}

}  // namespace scratch::auth

// Limits failed logins per account and per client address within a fixed window. State lives in
// PostgreSQL so every instance counts the same failures.
#pragma once

#include <pqxx/transaction_base>
#include <string>

namespace scratch::auth {

struct ThrottleSettings {
  int max_failures_per_account = 5;
  int max_failures_per_address = 30;
  int window_seconds = 900;
};

class LoginThrottle {
 public:
  explicit LoginThrottle(ThrottleSettings settings) : settings_(settings) {}

  // Seconds until a login for this account from this address may be tried again; 0 when allowed.
  int blocked_for(pqxx::transaction_base& tx, const std::string& email, const std::string& address) const;
  void record_failure(pqxx::transaction_base& tx, const std::string& email, const std::string& address) const;
  // A successful login forgives the account's failures (not the address's).
  void forgive_account(pqxx::transaction_base& tx, const std::string& email) const;

 private:
  int blocked_key(pqxx::transaction_base& tx, const std::string& key, int limit) const;
  ThrottleSettings settings_;
};

}  // namespace scratch::auth

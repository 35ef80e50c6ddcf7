#include "auth/login_throttle.hpp"

#include <algorithm>
#include <pqxx/pqxx>

namespace scratch::auth {
namespace {

std::string account_key(const std::string& email) {
  std::string lower = email;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return "account:" + lower;
}

std::string address_key(const std::string& address) {
  return "address:" + address;
}

}  // namespace

int LoginThrottle::blocked_key(pqxx::transaction_base& tx, const std::string& key, int limit) const {
  const auto r = tx.exec_params(
      "SELECT greatest(1, ceil(extract(epoch FROM window_started_at + make_interval(secs => $2) - "
      "now())))::int "
      "FROM login_throttle WHERE key = $1 AND failures >= $3 "
      "AND window_started_at > now() - make_interval(secs => $2)",
      key, settings_.window_seconds, limit);
  return r.empty() ? 0 : r[0][0].as<int>();
}

int LoginThrottle::blocked_for(pqxx::transaction_base& tx, const std::string& email,
                               const std::string& address) const {
  return std::max(blocked_key(tx, account_key(email), settings_.max_failures_per_account),
                  blocked_key(tx, address_key(address), settings_.max_failures_per_address));
}

void LoginThrottle::record_failure(pqxx::transaction_base& tx, const std::string& email,
                                   const std::string& address) const {
  for (const auto& key : {account_key(email), address_key(address)}) {
    // A window that has ended starts over at one failure.
    tx.exec_params(
        "INSERT INTO login_throttle (key, failures, window_started_at) VALUES ($1, 1, now()) "
        "ON CONFLICT (key) DO UPDATE SET "
        " failures = CASE WHEN login_throttle.window_started_at <= now() - make_interval(secs => $2) "
        "            THEN 1 ELSE login_throttle.failures + 1 END, "
        " window_started_at = CASE WHEN login_throttle.window_started_at <= now() - make_interval(secs => "
        "$2) "
        "            THEN now() ELSE login_throttle.window_started_at END",
        key, settings_.window_seconds);
  }
}

void LoginThrottle::forgive_account(pqxx::transaction_base& tx, const std::string& email) const {
  tx.exec_params("DELETE FROM login_throttle WHERE key = $1", account_key(email));
}

}  // namespace scratch::auth

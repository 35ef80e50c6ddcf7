// Daily request quotas: a connector whose spec has "quota" ({"daily_units", "reset_timezone", "costs"}) is
// charged per account and day, before each call, and a call that would overspend is refused without reaching
// the source. Costs are declared per call (check, list_tables, read) and per write op (create, update,
// delete) as upper bounds, so the ledger never under-counts. An account's config may raise the day's units
// with "daily_quota_units" (quotas are raised per customer on request).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <pqxx/pqxx>
#include <string>

#include "db/connection_pool.hpp"

namespace scratch::accounts {

struct QuotaPolicy {
  double daily_units = 0;
  std::string timezone = "UTC";
  nlohmann::json costs = nlohmann::json::object();
};

struct QuotaUsage {
  double daily_units = 0, used = 0, remaining = 0;
  std::string day, resets_at;  // the quota's current day, and when it ends (RFC 3339)
  nlohmann::json to_json(const QuotaPolicy& policy) const;
};

// The account's quota, or none when the connector declares none.
std::optional<QuotaPolicy> quota_policy(const nlohmann::json& spec, const nlohmann::json& config);

// Units a contract call costs: costs[op] for check/list_tables/read, the sum of costs[op.op] for a write.
double call_cost(const QuotaPolicy& policy, const std::string& op, const nlohmann::json& request);
// Units a set of write ops costs, by op kind ({"update": 40, ...}).
double ops_cost(const QuotaPolicy& policy, const std::map<std::string, long long>& ops);

QuotaUsage quota_usage(pqxx::transaction_base& tx, const std::string& account_id, const QuotaPolicy& policy);

// Adds `units` to today's spending if that stays within the day's units; false (and nothing spent) if not.
bool try_spend(db::ConnectionPool& pool, const std::string& account_id, const QuotaPolicy& policy,
               double units);

// The error a refused call or publish answers with: code quota_exceeded, not retryable.
nlohmann::json quota_error(const std::string& what, double needed, const QuotaUsage& usage,
                           const QuotaPolicy& policy);

}  // namespace scratch::accounts

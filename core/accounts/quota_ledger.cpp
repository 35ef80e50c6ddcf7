#include "accounts/quota_ledger.hpp"

#include <cmath>
#include <sstream>

#include "db/transaction.hpp"

namespace scratch::accounts {
namespace {

using json = nlohmann::json;

// An unknown zone name falls back to UTC rather than failing every call of the account.
constexpr const char* kZone = "COALESCE((SELECT name FROM pg_timezone_names WHERE name = $2 LIMIT 1), 'UTC')";

double cost_of(const QuotaPolicy& policy, const std::string& key) {
  const auto it = policy.costs.find(key);
  return it != policy.costs.end() && it->is_number() ? it->get<double>() : 0.0;
}

std::string units_text(double units) {
  std::ostringstream out;
  out << units;
  return out.str();
}

}  // namespace

json QuotaUsage::to_json(const QuotaPolicy& policy) const {
  return {{"daily_units", daily_units}, {"used", used},
          {"remaining", remaining},     {"day", day},
          {"resets_at", resets_at},     {"timezone", policy.timezone},
          {"costs", policy.costs}};
}

std::optional<QuotaPolicy> quota_policy(const json& spec, const json& config) {
  const auto q = spec.find("quota");
  if (q == spec.end() || !q->is_object()) return std::nullopt;
  QuotaPolicy policy;
  policy.daily_units = q->value("daily_units", 0.0);
  policy.timezone = q->value("reset_timezone", std::string("UTC"));
  if (q->contains("costs") && (*q)["costs"].is_object()) policy.costs = (*q)["costs"];
  const auto own = config.find("daily_quota_units");
  if (own != config.end() && own->is_number() && own->get<double>() >= 0)
    policy.daily_units = own->get<double>();
  return policy;
}

double call_cost(const QuotaPolicy& policy, const std::string& op, const json& request) {
  if (op != "write") return cost_of(policy, op);
  double total = 0;
  const auto ops = request.find("ops");
  if (ops != request.end() && ops->is_array()) {
    for (const auto& o : *ops)
      if (o.is_object()) total += cost_of(policy, o.value("op", ""));
  }
  return total;
}

double ops_cost(const QuotaPolicy& policy, const std::map<std::string, long long>& ops) {
  double total = 0;
  for (const auto& [op, count] : ops)
    total += cost_of(policy, op) * static_cast<double>(count);
  return total;
}

QuotaUsage quota_usage(pqxx::transaction_base& tx, const std::string& account_id, const QuotaPolicy& policy) {
  const auto row = tx.exec_params1(
      std::string("WITH z AS (SELECT ") + kZone +
          " AS zone), d AS (SELECT (now() AT TIME ZONE zone)::date AS day, zone FROM z) "
          "SELECT d.day::text, COALESCE((SELECT units FROM connector_quota_usage u WHERE u.account_id = "
          "$1::uuid AND u.day = d.day), 0), "
          "to_char(((d.day + 1)::timestamp AT TIME ZONE d.zone) AT TIME ZONE 'UTC', "
          "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM d",
      account_id, policy.timezone);
  QuotaUsage usage;
  usage.day = row[0].as<std::string>();
  usage.used = row[1].as<double>();
  usage.resets_at = row[2].as<std::string>();
  usage.daily_units = policy.daily_units;
  usage.remaining = std::max(0.0, policy.daily_units - usage.used);
  return usage;
}

bool try_spend(db::ConnectionPool& pool, const std::string& account_id, const QuotaPolicy& policy,
               double units) {
  if (units <= 0) return true;
  if (units > policy.daily_units) return false;
  // One statement: concurrent calls for the account cannot both take the last units.
  return db::with_transaction(pool, [&](pqxx::work& tx) {
    return !tx.exec_params(std::string("INSERT INTO connector_quota_usage AS u (account_id, day, units) "
                                       "SELECT $1::uuid, (now() AT TIME ZONE ") +
                               kZone +
                               ")::date, $3 "
                               "ON CONFLICT (account_id, day) DO UPDATE SET units = u.units + EXCLUDED.units "
                               "WHERE u.units + EXCLUDED.units <= $4 RETURNING 1",
                           account_id, policy.timezone, units, policy.daily_units)
                .empty();
  });
}

json quota_error(const std::string& what, double needed, const QuotaUsage& usage, const QuotaPolicy& policy) {
  return {{"code", "quota_exceeded"},
          {"message", what + " needs " + units_text(needed) + " units of the account's daily quota, and " +
                          units_text(usage.remaining) + " of " + units_text(usage.daily_units) +
                          " are left today; the quota resets at " + usage.resets_at + " (midnight " +
                          policy.timezone + ")"},
          {"retryable", false},
          {"quota", usage.to_json(policy)}};
}

}  // namespace scratch::accounts

// The quota rules that need no database: what a spec may declare, what a call costs, the config override.
#include <gtest/gtest.h>

#include "accounts/quota_ledger.hpp"
#include "connectors/plugin_loader.hpp"

namespace scratch::accounts {
namespace {

using json = nlohmann::json;

json spec_with(const json& quota) {
  return {{"display_name", "Q"},
          {"capabilities", {"read", "update"}},
          {"limits", json::object()},
          {"config_schema", {{"type", "object"}}},
          {"credentials_schema", {{"type", "object"}}},
          {"quota", quota}};
}

const json kYoutubeLike = {{"daily_units", 10000},
                           {"reset_timezone", "America/Los_Angeles"},
                           {"costs", {{"check", 1}, {"read", 2}, {"update", 51}}}};

TEST(QuotaPolicy, SpecValidationNamesTheBadKey) {
  EXPECT_FALSE(connectors::spec_problem(spec_with(kYoutubeLike)));
  json q = kYoutubeLike;
  q["daily_units"] = 0;
  EXPECT_NE(connectors::spec_problem(spec_with(q)).value_or("").find("daily_units"), std::string::npos);
  q = kYoutubeLike;
  q["costs"]["upload"] = 1600;
  EXPECT_NE(connectors::spec_problem(spec_with(q)).value_or("").find("upload"), std::string::npos);
  q = kYoutubeLike;
  q["costs"]["read"] = -1;
  EXPECT_NE(connectors::spec_problem(spec_with(q)).value_or("").find("costs.read"), std::string::npos);
  EXPECT_TRUE(connectors::spec_problem(spec_with("10000")));
}

TEST(QuotaPolicy, CallsCostTheirDeclaredUnitsAndWritesTheSumOfTheirOps) {
  const auto policy = quota_policy(spec_with(kYoutubeLike), json::object());
  ASSERT_TRUE(policy);
  EXPECT_EQ(policy->daily_units, 10000);
  EXPECT_EQ(policy->timezone, "America/Los_Angeles");
  EXPECT_EQ(call_cost(*policy, "read", json::object()), 2);
  EXPECT_EQ(call_cost(*policy, "list_tables", json::object()), 0);  // not declared: free
  const json write = {{"ops", {{{"op", "update"}}, {{"op", "update"}}, {{"op", "delete"}}}}};
  EXPECT_EQ(call_cost(*policy, "write", write), 102);
  EXPECT_EQ(ops_cost(*policy, {{"update", 5}, {"create", 3}}), 255);
}

TEST(QuotaPolicy, AccountConfigRaisesTheDailyUnitsAndNoQuotaMeansNone) {
  const auto raised = quota_policy(spec_with(kYoutubeLike), {{"daily_quota_units", 50000}});
  ASSERT_TRUE(raised);
  EXPECT_EQ(raised->daily_units, 50000);
  json plain = spec_with(kYoutubeLike);
  plain.erase("quota");
  EXPECT_FALSE(quota_policy(plain, {{"daily_quota_units", 5}}));
}

}  // namespace
}  // namespace scratch::accounts

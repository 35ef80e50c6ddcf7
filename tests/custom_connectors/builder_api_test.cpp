// The builder's API: create, versions, validate and test with the feedback an AI builder acts on, the
// contract document, and that another user can neither see nor use someone's connector.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "custom_connectors/custom_connector_fixture.hpp"

namespace scratch::test {
namespace {

using nlohmann::json;
const std::string kBase = "/api/v1/custom-connectors";

class BuilderApi : public CustomConnectorTest {};

TEST_F(BuilderApi, CreateVersionListAndGet) {
  const json created = create_connector(user, "items", kItemsScript);
  const std::string id = created.at("id");
  EXPECT_EQ(created["latest_version"], 1);
  EXPECT_EQ(created["connector"], "custom:" + id + "@1");
  EXPECT_TRUE(created["version"]["valid"].get<bool>()) << created.dump();
  EXPECT_EQ(created["version"]["spec"]["display_name"], "Items API");
  EXPECT_TRUE(created["version"]["validation"]["valid"].get<bool>());

  // A broken script is saved too, as version 2, with why it does not validate.
  const json v2 =
      user.post_ok(kBase + "/" + id + "/versions", {{"script", "function spec() return {} end"}}, 201);
  EXPECT_EQ(v2["version"], 2);
  EXPECT_FALSE(v2["valid"].get<bool>());
  EXPECT_TRUE(v2["spec"].is_null());
  EXPECT_FALSE(v2["validation"]["errors"].empty());

  const json list = user.get_ok(kBase);
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(list["items"][0]["latest_version"], 2);
  const json got = user.get_ok(kBase + "/" + id);
  ASSERT_EQ(got["versions"].size(), 2u);
  EXPECT_FALSE(got["versions"][0].contains("script"));
  const json versions = user.get_ok(kBase + "/" + id + "/versions");
  EXPECT_EQ(versions["items"].size(), 2u);
  const json one = user.get_ok(kBase + "/" + id + "/versions/1");
  EXPECT_EQ(one["script"], kItemsScript);
  expect_problem(user.get(kBase + "/" + id + "/versions/3"), 404, "not_found");

  expect_problem(user.post(kBase, {{"name", "items"}, {"script", "x = 1"}}), 409,
                 "custom_connector_name_taken");
  const json renamed = user.patch_ok(kBase + "/" + id, {{"name", "items-renamed"}});
  EXPECT_EQ(renamed["name"], "items-renamed");
  expect_problem(user.post(kBase, {{"name", "no script"}}), 422, "validation_failed");
}

TEST_F(BuilderApi, ValidateReportsSyntaxMissingFunctionsAndBadSpec) {
  // A syntax error, with its line and column.
  const json syntax = user.post_ok(kBase + "/validate", {{"script", "function spec()\n  return {\nend x\n"}});
  EXPECT_FALSE(syntax["valid"].get<bool>());
  ASSERT_EQ(syntax["errors"].size(), 1u) << syntax.dump();
  EXPECT_EQ(syntax["errors"][0]["kind"], "syntax");
  EXPECT_EQ(syntax["errors"][0]["line"], 3) << syntax.dump();
  EXPECT_GT(syntax["errors"][0]["column"].get<int>(), 0) << syntax.dump();

  // Missing contract functions, each named.
  const json missing =
      user.post_ok(kBase + "/validate", {{"script", "function spec() return {} end\nread = 5"}});
  EXPECT_FALSE(missing["valid"].get<bool>());
  std::set<std::string> named;
  for (const auto& e : missing["errors"])
    if (e["kind"] == "contract") named.insert(e["function"].get<std::string>());
  EXPECT_EQ(named, (std::set<std::string>{"check", "list_tables", "read"})) << missing.dump();
  EXPECT_EQ(missing["functions"]["read"], "number");
  EXPECT_EQ(missing["functions"]["write"], "nil");

  // A spec that fails the plugin spec validation names the field.
  std::string bad_spec = kItemsScript;
  bad_spec +=
      "\nlocal good_spec = spec\nfunction spec() local s = good_spec(); s.limits.max_page_size = -1; "
      "return s end\n";
  const json spec = user.post_ok(kBase + "/validate", {{"script", bad_spec}});
  EXPECT_FALSE(spec["valid"].get<bool>());
  ASSERT_EQ(spec["errors"].size(), 1u) << spec.dump();
  EXPECT_EQ(spec["errors"][0]["kind"], "spec");
  EXPECT_EQ(spec["errors"][0]["field"], "spec.limits.max_page_size") << spec.dump();
  EXPECT_TRUE(spec["spec"].is_null());

  // Writing capabilities need a write function.
  std::string no_write = kItemsScript;
  no_write += "\nwrite = nil\n";
  const json w = user.post_ok(kBase + "/validate", {{"script", no_write}});
  ASSERT_EQ(w["errors"].size(), 1u) << w.dump();
  EXPECT_EQ(w["errors"][0]["function"], "write");

  // A saved version validates the same way; the valid one passes.
  const json created = create_connector(user, "items", kItemsScript);
  const json ok = user.post_ok(kBase + "/validate", {{"connector_id", created["id"]}, {"version", 1}});
  EXPECT_TRUE(ok["valid"].get<bool>()) << ok.dump();
  EXPECT_EQ(ok["functions"]["write"], "function");
}

TEST_F(BuilderApi, TestRunsEveryStepWithLogsAndSamples) {
  ItemsApi api(5);
  const json body = {
      {"script", kItemsScript},
      {"config", {{"base_url", api.base_url()}}},
      {"credentials", {{"token", "secret-token"}}},
      {"write",
       {{"table", "items"},
        {"ops", json::array({{{"op", "create"}, {"ref", "r1"}, {"fields", {{"title", "New"}}}}})}}}};
  const json report = user.post_ok(kBase + "/test", body);
  ASSERT_TRUE(report["ok"].get<bool>()) << report.dump(2);
  ASSERT_EQ(report["steps"].size(), 5u);
  std::vector<std::string> names;
  for (const auto& s : report["steps"]) {
    names.push_back(s["name"]);
    EXPECT_EQ(s["status"], "ok") << s.dump();
    EXPECT_TRUE(s.contains("duration_ms"));
  }
  EXPECT_EQ(names, (std::vector<std::string>{"spec", "check", "list_tables", "read", "write"}));
  const json& check = report["steps"][1];
  EXPECT_EQ(check["sample"]["message"], "signed in as tester");
  ASSERT_EQ(check["logs"].size(), 1u);
  EXPECT_EQ(check["logs"][0]["message"], "signed in as tester");
  EXPECT_GT(check["logs"][0]["line"].get<int>(), 0);
  const json& read = report["steps"][3];
  EXPECT_EQ(read["sample"]["records"].size(), 2u);
  EXPECT_EQ(read["sample"]["next_cursor"], "2");
  EXPECT_EQ(read["sample"]["records"][0]["fields"]["title"], "Item 1");
  EXPECT_EQ(report["steps"][4]["sample"]["results"][0]["ok"], true);
  EXPECT_EQ(api.items().size(), 6u) << "the write step created one item";

  // Without "write" the write step is skipped; bad credentials fail check with the script's own error.
  json bad = body;
  bad.erase("write");
  bad["credentials"]["token"] = "wrong";
  const json failed = user.post_ok(kBase + "/test", bad);
  EXPECT_FALSE(failed["ok"].get<bool>());
  EXPECT_EQ(failed["steps"][1]["status"], "error");
  EXPECT_EQ(failed["steps"][1]["error"]["code"], "auth_failed") << failed.dump(2);
  EXPECT_EQ(failed["steps"][1]["error"]["message"], "the token was refused");
  EXPECT_EQ(failed["steps"][4]["status"], "skipped");
}

TEST_F(BuilderApi, RuntimeErrorReportsLineAndTraceback) {
  ItemsApi api(3);
  std::string script = kItemsScript;
  // Line numbers: the broken read is appended after the items script.
  const int base_lines = static_cast<int>(std::count(script.begin(), script.end(), '\n'));
  script +=
      "\nlocal function helper(t)\n  return t.missing.field\nend\nfunction read(c, k, r)\n  return "
      "helper({})\nend\n";
  const json report = user.post_ok(kBase + "/test", {{"script", script},
                                                     {"config", {{"base_url", api.base_url()}}},
                                                     {"credentials", {{"token", "secret-token"}}}});
  EXPECT_FALSE(report["ok"].get<bool>());
  const json& read = report["steps"][3];
  ASSERT_EQ(read["status"], "error") << report.dump(2);
  EXPECT_EQ(read["error"]["code"], "script_error");
  EXPECT_EQ(read["error"]["line"], base_lines + 3) << read.dump(2);
  EXPECT_EQ(read["error"]["function"], "read");
  EXPECT_NE(
      read["error"]["traceback"].get<std::string>().find("connector.lua:" + std::to_string(base_lines + 3)),
      std::string::npos)
      << read.dump(2);
  EXPECT_NE(read["error"]["traceback"].get<std::string>().find("'read'"), std::string::npos) << read.dump(2);
}

TEST_F(BuilderApi, ContractDocument) {
  const json contract = user.get_ok(kBase + "/contract");
  EXPECT_NE(contract["prose"].get<std::string>().find("function spec()"), std::string::npos);
  for (const char* name : {"spec", "list_tables", "read", "write"})
    EXPECT_TRUE(contract["schemas"].contains(name)) << name;
  EXPECT_FALSE(contract["globals"].empty());
  EXPECT_EQ(contract["limits"]["wall_ms"], 3000);
  EXPECT_EQ(contract["limits"]["memory_bytes"], 32 << 20);
}

TEST_F(BuilderApi, AnotherUserCannotSeeOrUseIt) {
  ItemsApi api(2);
  const json created = create_connector(user, "items", kItemsScript);
  const std::string id = created["id"];
  const ApiUser other = sign_up_another();
  expect_problem(other.get(kBase + "/" + id), 404, "not_found");
  expect_problem(other.get(kBase + "/" + id + "/versions/1"), 404, "not_found");
  expect_problem(other.patch(kBase + "/" + id, {{"name", "mine"}}), 404, "not_found");
  expect_problem(other.del(kBase + "/" + id), 404, "not_found");
  expect_problem(other.post(kBase + "/" + id + "/versions", {{"script", "x = 1"}}), 404, "not_found");
  expect_problem(other.post(kBase + "/validate", {{"connector_id", id}, {"version", 1}}), 404, "not_found");
  EXPECT_TRUE(other.get_ok(kBase)["items"].empty());
  expect_problem(create_account(other, created["connector"], api), 422, "validation_failed");
  // The owner can; and cannot delete the connector while the account uses it.
  const auto mine = create_account(user, created["connector"], api);
  ASSERT_EQ(mine.status, 201) << mine.body;
  expect_problem(user.del(kBase + "/" + id), 409, "custom_connector_in_use");
  user.del_ok("/api/v1/connector-accounts/" + json::parse(mine.body)["id"].get<std::string>());
  user.del_ok(kBase + "/" + id);
  expect_problem(user.get(kBase + "/" + id), 404, "not_found");
}

}  // namespace
}  // namespace scratch::test

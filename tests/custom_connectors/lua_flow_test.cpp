// A custom connector used like any connector: an account pinned to a version, a snapshot downloaded through
// the Lua script and published back, the pinned version surviving a new save, limits that end a call while
// the server keeps serving, and the address guard.
#include <gtest/gtest.h>

#include "custom_connectors/custom_connector_fixture.hpp"
#include "snapshots/sync/sync_helpers.hpp"

namespace scratch::test {
namespace {

using nlohmann::json;
const std::string kBase = "/api/v1/custom-connectors";

class LuaFlow : public CustomConnectorTest {};

std::map<std::string, json> by_remote(const json& records) {
  std::map<std::string, json> out;
  for (const auto& r : records)
    out[r["remote_id"].get<std::string>()] = r;
  return out;
}

TEST_F(LuaFlow, DownloadsAndPublishesThroughTheScript) {
  ItemsApi api(5);
  const json created = create_connector(user, "items", kItemsScript);
  const auto account = create_account(user, created["connector"], api);
  ASSERT_EQ(account.status, 201) << account.body;
  const std::string account_id = json::parse(account.body)["id"];
  EXPECT_EQ(user.post_ok("/api/v1/connector-accounts/" + account_id + "/check")["message"],
            "signed in as tester");

  const std::string sid = create_snapshot(user);
  const std::string tid = add_table(user, sid, account_id, "items").at("id");
  const json job = download(user, sid);
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump(2);
  auto records = by_remote(all_records(user, sid, tid));
  ASSERT_EQ(records.size(), 5u);
  EXPECT_EQ(records["3"]["values"]["title"], "Item 3");

  user.patch_ok(sync::record_path(sid, tid, sync::id_of(records["1"])), {{"values", {{"title", "Renamed"}}}});
  user.del(sync::record_path(sid, tid, sync::id_of(records["2"])));
  user.post_ok(sync::records_path(sid, tid), {{"values", {{"title", "Brand new"}}}}, 201);
  const json pub = publish(user, sid);
  ASSERT_EQ(pub.value("state", ""), "succeeded") << pub.dump(2);
  EXPECT_EQ(pub["result"].value("status", ""), "completed") << pub.dump(2);
  const json items = api.items();
  EXPECT_EQ(items["1"], "Renamed");
  EXPECT_FALSE(items.contains("2"));
  EXPECT_EQ(items["6"], "Brand new");
  EXPECT_EQ(items.size(), 5u);
}

TEST_F(LuaFlow, AnAccountKeepsItsPinnedVersion) {
  ItemsApi api(3);
  const json created = create_connector(user, "items", kItemsScript);
  const std::string id = created["id"];
  const auto account = create_account(user, "custom:" + id + "@1", api);
  ASSERT_EQ(account.status, 201) << account.body;
  const std::string account_id = json::parse(account.body)["id"];
  // Version 2 answers check differently; the account still runs version 1.
  std::string v2 = kItemsScript;
  v2 += "\nfunction check(config, credentials) return { ok = true, message = \"version 2\" } end\n";
  const json saved = user.post_ok(kBase + "/" + id + "/versions", {{"script", v2}}, 201);
  ASSERT_TRUE(saved["valid"].get<bool>()) << saved.dump();
  EXPECT_EQ(user.post_ok("/api/v1/connector-accounts/" + account_id + "/check")["message"],
            "signed in as tester");
  const auto account2 = create_account(user, "custom:" + id + "@2", api);
  ASSERT_EQ(account2.status, 201) << account2.body;
  EXPECT_EQ(user.post_ok("/api/v1/connector-accounts/" + json::parse(account2.body)["id"].get<std::string>() +
                         "/check")["message"],
            "version 2");
  // An invalid version cannot back an account.
  user.post_ok(kBase + "/" + id + "/versions", {{"script", "x ="}}, 201);
  expect_problem(create_account(user, "custom:" + id + "@3", api), 422, "validation_failed");
}

TEST_F(LuaFlow, LimitsEndTheCallAndTheServerKeepsServing) {
  ItemsApi api(3);
  const std::string loop = std::string(kItemsScript) + "\nfunction list_tables() while true do end end\n";
  const std::string bomb = std::string(kItemsScript) +
                           "\nfunction list_tables() local t = {} local s = string.rep('x', 1024) "
                           "while true do t[#t + 1] = s .. #t end end\n";
  const std::string caught =
      std::string(kItemsScript) +
      "\nfunction list_tables() for i = 1, 100 do pcall(function() while true do end end) "
      "end return { tables = {} } end\n";
  for (const auto& [name, script, limit] :
       {std::tuple<std::string, std::string, std::string>{"loop", loop, ""},
        {"bomb", bomb, "memory"},
        {"caught", caught, ""}}) {
    SCOPED_TRACE(name);
    const json created = create_connector(user, name, script);
    const auto account = create_account(user, created["connector"], api);
    ASSERT_EQ(account.status, 201) << account.body;
    const std::string account_id = json::parse(account.body)["id"];
    const auto r = user.get("/api/v1/connector-accounts/" + account_id + "/tables");
    expect_problem(r, 502, "connector_error");
    const json problem = json::parse(r.body);
    EXPECT_EQ(problem["connector_error"]["code"], "limit_exceeded") << r.body;
    if (!limit.empty()) {
      EXPECT_NE(problem["connector_error"]["message"].get<std::string>().find(limit), std::string::npos)
          << r.body;
    }
    // The same through test: the step names the limit.
    const json report = user.post_ok(kBase + "/test", {{"script", script},
                                                       {"config", {{"base_url", api.base_url()}}},
                                                       {"credentials", {{"token", "secret-token"}}}});
    EXPECT_EQ(report["steps"][2]["error"]["code"], "limit_exceeded") << report.dump(2);
    EXPECT_EQ(report["steps"][2]["error"]["kind"], "limit");
    // The server still serves, and a good connector still works.
    EXPECT_EQ(user.get("/healthz").status, 200);
  }
  const json good = create_connector(user, "good", kItemsScript);
  const auto account = create_account(user, good["connector"], api);
  ASSERT_EQ(account.status, 201);
  const json tables = user.get_ok("/api/v1/connector-accounts/" +
                                  json::parse(account.body)["id"].get<std::string>() + "/tables");
  EXPECT_EQ(tables["tables"][0]["id"], "items");
}

// Without SCRATCH_LUA_ALLOWED_HOSTS, a script cannot reach loopback: the address guard refuses it.
class LuaGuard : public CustomConnectorTest {
 protected:
  LuaGuard() : CustomConnectorTest({{"SCRATCH_LUA_ALLOWED_HOSTS", ""}}) {}
};

TEST_F(LuaGuard, LoopbackIsRefused) {
  ItemsApi api(1);
  const std::string script =
      std::string(kItemsScript) +
      "\nfunction check(config) local ok, e = pcall(http.request, {url = config.base_url "
      ".. '/me'}) error({code = 'probe', message = type(e) == 'table' and "
      "tostring(e.code) .. ': ' .. tostring(e.message) or tostring(e)}) end\n";
  const json report = user.post_ok(kBase + "/test", {{"script", script},
                                                     {"config", {{"base_url", api.base_url()}}},
                                                     {"credentials", {{"token", "secret-token"}}}});
  const json& check = report["steps"][1];
  EXPECT_EQ(check["error"]["code"], "probe") << report.dump(2);
  EXPECT_NE(check["error"]["message"].get<std::string>().find("address_refused"), std::string::npos)
      << check.dump(2);
  EXPECT_EQ(api.request_count(), 0u);
}

}  // namespace
}  // namespace scratch::test

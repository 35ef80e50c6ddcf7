// Agents over HTTP: agent tokens read one snapshot and suggest; the owner lists, accepts and rejects
// suggestions; everything else is forbidden to an agent, other snapshots are 404, expired and revoked
// tokens are 401.
#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <set>

#include "snapshot_fixture.hpp"

namespace scratch::test {
namespace {

using nlohmann::json;

class Suggestions : public SeededSnapshotTest<24> {
 protected:
  void SetUp() override {
    SeededSnapshotTest::SetUp();
    if (HasFatalFailure()) return;
    token_ = agent_token(user, s_.snapshot_id);
    ASSERT_EQ(token_.rfind("sat_", 0), 0u) << token_;
  }
  std::string id_of(int remote_id) const {
    json r = by_remote_id(records_, std::to_string(remote_id));
    return r.is_object() ? r["id"].get<std::string>() : "missing";
  }
  std::string path_of(int remote_id) const { return s_.records + "/" + id_of(remote_id); }
  std::string snap() const { return snapshot_path(s_.snapshot_id); }
  json table() const { return user.get_ok(table_path(s_.snapshot_id, s_.table_id)); }
  void expect_source_unchanged() const {
    EXPECT_EQ(source_rows("SELECT id, title, status, price, qty, due, active, notes FROM items ORDER BY id"),
              rows_);
  }
  void run_sql(const std::string& sql) const {
    pqxx::connection c{db_.url()};
    pqxx::work w{c};
    w.exec(sql);
    w.commit();
  }
  std::string token_;
};

TEST_F(Suggestions, AnAgentSuggestsAndTheOwnerAcceptsAndRejects) {
  const ApiUser agent = with_token(token_);
  // 1: Green pear 1 (published); 2: Blue plum 2, price 3; 4, 8, 12: draft; 5: published; 6: to delete.
  json body = {
      {"table_id", s_.table_id},
      {"updates",
       {{{"record_id", id_of(1)}, {"values", {{"title", "Agent title"}, {"notes", "agent note"}}}},
        {{"record_id", id_of(2)}, {"values", {{"price", 77}}}},
        {{"record_id", id_of(4)}, {"values", {{"qty", 50}}}},
        {{"record_id", id_of(8)}, {"values", {{"qty", 50}}}},
        {{"record_id", id_of(12)}, {"values", {{"qty", 50}}}},
        {{"record_id", id_of(5)}, {"values", {{"qty", 50}}}}}},
      {"creates",
       {{{"values", {{"title", "Agent new"}, {"status", "review"}, {"qty", 1}, {"active", false}}}}}},
      {"deletes", {id_of(6)}}};
  json made = agent.post_ok(snap() + "/suggestions", body);
  EXPECT_EQ(made.value("updated", -1), 6) << made.dump();
  EXPECT_EQ(made.value("deleted", -1), 1) << made.dump();
  ASSERT_TRUE(made["created"].is_array() && made["created"].size() == 1u) << made.dump();
  const std::string created_id = made["created"][0];

  // Suggestions sit beside the values; nothing is edited yet.
  json one = agent.get_ok(path_of(1));
  EXPECT_EQ(one["suggestions"], json({{"title", "Agent title"}, {"notes", "agent note"}}));
  EXPECT_EQ(one["values"]["title"], "Green pear 1");
  EXPECT_EQ(one["edits"], json::object());
  EXPECT_EQ(one["state"], "synced");
  EXPECT_EQ(agent.get_ok(path_of(6))["suggested_delete"], true);
  json suggested = agent.get_ok(s_.records + "/" + created_id);
  EXPECT_EQ(suggested["state"], "suggested");
  EXPECT_EQ(suggested["suggested_create"], true);
  // Nothing of it is a value yet: what it would hold is the suggestion.
  EXPECT_EQ(suggested["suggestions"]["title"], "Agent new") << suggested.dump();
  EXPECT_EQ(suggested["suggestions"]["qty"], 1) << suggested.dump();
  json t = table();
  EXPECT_EQ(t["pending_count"], 8) << t.dump();
  EXPECT_EQ(t["dirty_count"], 0) << t.dump();
  EXPECT_EQ(all_records(user, s_.snapshot_id, s_.table_id).size(), static_cast<std::size_t>(kRows + 1));
  EXPECT_EQ(all_records(user, s_.snapshot_id, s_.table_id, "include=live").size(),
            static_cast<std::size_t>(kRows));
  json has = {{"field", "$has_suggestions"}, {"op", "eq"}, {"value", true}};
  std::set<std::string> with_suggestions;
  for (auto r : all_records(user, s_.snapshot_id, s_.table_id, "filter=" + url_encode(has.dump())))
    with_suggestions.insert(r["id"].get<std::string>());
  for (int i : {1, 2, 4, 5, 8, 12})
    EXPECT_TRUE(with_suggestions.count(id_of(i))) << i;
  EXPECT_FALSE(with_suggestions.count(id_of(3)));

  // The list, paged; for the agent as well as the owner.
  std::map<std::string, json> listed;
  std::string cursor;
  for (int guard = 0; guard < 10; ++guard) {
    json page = agent.get_ok(snap() + "/suggestions?table_id=" + s_.table_id + "&limit=3" +
                             (cursor.empty() ? "" : "&cursor=" + url_encode(cursor)));
    ASSERT_TRUE(page.is_object());
    ASSERT_LE(page["items"].size(), 3u);
    for (auto item : page["items"]) {
      EXPECT_EQ(item["table_id"], s_.table_id);
      EXPECT_TRUE(listed.emplace(item["record_id"].get<std::string>(), item).second)
          << "duplicate " << item.dump();
    }
    if (page["next_cursor"].is_null()) break;
    cursor = page["next_cursor"];
  }
  ASSERT_EQ(listed.size(), 8u);
  EXPECT_EQ(listed[id_of(1)]["kind"], "update");
  EXPECT_EQ(listed[id_of(1)]["values"]["title"],
            json({{"current", "Green pear 1"}, {"suggested", "Agent title"}}));
  EXPECT_EQ(listed[id_of(2)]["values"]["price"]["suggested"], 77);
  EXPECT_EQ(listed[id_of(2)]["values"]["price"]["current"], 3);
  EXPECT_EQ(listed[created_id]["kind"], "create");
  EXPECT_EQ(listed[created_id]["values"]["title"]["suggested"], "Agent new");
  EXPECT_EQ(listed[id_of(6)]["kind"], "delete");
  EXPECT_EQ(user.get_ok(snap() + "/suggestions")["items"].size(), 8u);

  // Accept one field of one record.
  json accepted_one = user.post_ok(
      snap() + "/suggestions/accept",
      {{"items", {{{"table_id", s_.table_id}, {"record_id", id_of(1)}, {"fields", {"title"}}}}}});
  EXPECT_EQ(accepted_one.value("accepted", -1), 1) << accepted_one.dump();
  json r1 = user.get_ok(path_of(1));
  EXPECT_EQ(r1["values"]["title"], "Agent title");
  EXPECT_EQ(r1["edits"], json({{"title", "Agent title"}}));
  EXPECT_EQ(r1["suggestions"], json({{"notes", "agent note"}}));
  EXPECT_EQ(r1["state"], "edited");

  // Reject one.
  json rejected = user.post_ok(snap() + "/suggestions/reject",
                               {{"items", {{{"table_id", s_.table_id}, {"record_id", id_of(2)}}}}});
  EXPECT_EQ(rejected.value("rejected", -1), 1) << rejected.dump();
  json r2 = user.get_ok(path_of(2));
  EXPECT_EQ(r2["suggestions"], json::object());
  EXPECT_EQ(r2["values"]["price"], 3);
  EXPECT_EQ(r2["edits"], json::object());
  EXPECT_EQ(r2["state"], "synced");

  // Accept a filter's worth: the drafts (4, 8, 12), not 5.
  json drafts = {{"field", "status"}, {"op", "eq"}, {"value", "draft"}};
  json by_filter =
      user.post_ok(snap() + "/suggestions/accept", {{"table_id", s_.table_id}, {"filter", drafts}});
  EXPECT_EQ(by_filter.value("accepted", -1), 3) << by_filter.dump();
  for (int i : {4, 8, 12}) {
    json r = user.get_ok(path_of(i));
    EXPECT_EQ(r["values"]["qty"], 50) << r.dump();
    EXPECT_EQ(r["edits"], json({{"qty", 50}})) << r.dump();
    EXPECT_EQ(r["suggestions"], json::object()) << r.dump();
  }
  EXPECT_EQ(user.get_ok(path_of(5))["suggestions"], json({{"qty", 50}}));
  EXPECT_EQ(user.get_ok(path_of(5))["values"]["qty"], rows_[4]["qty"]);

  // Accept the rest.
  json all = user.post_ok(snap() + "/suggestions/accept", {{"all", true}});
  EXPECT_GE(all.value("accepted", -1), 3) << all.dump();
  EXPECT_EQ(user.get_ok(path_of(5))["values"]["qty"], 50);
  EXPECT_EQ(user.get_ok(path_of(1))["values"]["notes"], "agent note");
  json now_created = user.get_ok(s_.records + "/" + created_id);
  EXPECT_EQ(now_created["state"], "created");
  EXPECT_EQ(now_created["suggested_create"], false);
  EXPECT_EQ(now_created["values"]["title"], "Agent new") << now_created.dump();
  EXPECT_EQ(now_created["values"]["status"], "review") << now_created.dump();
  EXPECT_EQ(now_created["suggestions"], json::object()) << now_created.dump();
  json now_deleted = user.get_ok(path_of(6));
  EXPECT_EQ(now_deleted["state"], "deleted");
  EXPECT_EQ(now_deleted["suggested_delete"], false);
  EXPECT_TRUE(user.get_ok(snap() + "/suggestions")["items"].empty());
  json after = table();
  EXPECT_EQ(after["pending_count"], 0) << after.dump();
  EXPECT_EQ(after["dirty_count"], 7) << after.dump();  // 1, 4, 5, 8, 12, the create, the delete
  expect_source_unchanged();
}

TEST_F(Suggestions, RejectingAllAndRefusedSuggestions) {
  const ApiUser agent = with_token(token_);
  // The owner may suggest too.
  json by_owner =
      user.post_ok(snap() + "/suggestions",
                   {{"table_id", s_.table_id},
                    {"updates", {{{"record_id", id_of(3)}, {"values", {{"title", "Owner idea"}}}}}},
                    {"creates", {{{"values", {{"title", "Maybe"}}}}}},
                    {"deletes", {id_of(7)}}});
  EXPECT_EQ(by_owner.value("updated", -1), 1) << by_owner.dump();
  json rejected = user.post_ok(snap() + "/suggestions/reject", {{"all", true}});
  EXPECT_EQ(rejected.value("rejected", -1), 3) << rejected.dump();
  EXPECT_TRUE(user.get_ok(snap() + "/suggestions")["items"].empty());
  EXPECT_EQ(all_records(user, s_.snapshot_id, s_.table_id).size(), static_cast<std::size_t>(kRows));
  EXPECT_EQ(user.get_ok(path_of(7))["suggested_delete"], false);
  EXPECT_EQ(user.get_ok(path_of(3))["values"]["title"], rows_[2]["title"]);
  EXPECT_EQ(table()["pending_count"], 0);

  auto suggest = [&](const json& updates) {
    return agent.post(snap() + "/suggestions", {{"table_id", s_.table_id}, {"updates", updates}});
  };
  EXPECT_EQ(suggest({{{"record_id", id_of(3)}, {"values", {{"raw", "\\x00"}}}}}).status, 422);
  expect_problem(suggest({{{"record_id", id_of(3)}, {"values", {{"no_such_field", 1}}}}}), 422,
                 "unknown_field");
  expect_problem(suggest({{{"record_id", id_of(3)}, {"values", {{"price", "cheap"}}}}}), 422,
                 "invalid_value");
  expect_problem(suggest({{{"record_id", "999999999"}, {"values", {{"title", "x"}}}}}), 404, "not_found");
  // On a deleted record.
  user.del_ok(path_of(9), 200);
  EXPECT_EQ(suggest({{{"record_id", id_of(9)}, {"values", {{"title", "x"}}}}}).status, 409);
  const auto delete_deleted =
      agent.post(snap() + "/suggestions", {{"table_id", s_.table_id}, {"deletes", {id_of(9)}}});
  EXPECT_EQ(delete_deleted.status, 409) << "suggesting to delete a deleted record: " << delete_deleted.body;
  // On a field in conflict: edited here and changed at the source.
  // Record 12 got its suggestion before the conflict arose: accepting it is refused.
  user.patch_ok(path_of(10), {{"values", {{"title", "Local title"}}}});
  user.patch_ok(path_of(12), {{"values", {{"title", "Local 12"}}}});
  ASSERT_EQ(suggest({{{"record_id", id_of(12)}, {"values", {{"title", "Agent 12"}}}}}).status, 200);
  source_exec("UPDATE items SET title = 'Remote title' WHERE id IN (10, 12)");
  json job = download(user, s_.snapshot_id);
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump();
  json conflicted = user.get_ok(path_of(10));
  ASSERT_TRUE(conflicted["conflicts"].contains("title")) << conflicted.dump();
  EXPECT_EQ(conflicted["conflicts"]["title"],
            json({{"local", "Local title"}, {"remote", "Remote title"}, {"base", "Green pear 10"}}));
  EXPECT_EQ(suggest({{{"record_id", id_of(10)}, {"values", {{"title", "Agent"}}}}}).status, 409);
  const auto accept_conflicted = user.post(
      snap() + "/suggestions/accept", {{"items", {{{"table_id", s_.table_id}, {"record_id", id_of(12)}}}}});
  EXPECT_EQ(accept_conflicted.status, 409) << "accepting onto a conflict: " << accept_conflicted.body;
  json twelve = user.get_ok(path_of(12));
  EXPECT_EQ(twelve["values"]["title"], "Local 12") << twelve.dump();
  EXPECT_TRUE(twelve["conflicts"].contains("title")) << twelve.dump();
  user.post_ok(snap() + "/suggestions/reject",
               {{"items", {{{"table_id", s_.table_id}, {"record_id", id_of(12)}}}}});
  // A refused batch leaves nothing behind.
  EXPECT_EQ(suggest({{{"record_id", id_of(11)}, {"values", {{"title", "fine"}}}},
                     {{"record_id", id_of(9)}, {"values", {{"title", "x"}}}}})
                .status,
            409);
  EXPECT_EQ(user.get_ok(path_of(11))["suggestions"], json::object());
  for (auto item : user.get_ok(snap() + "/suggestions")["items"])
    EXPECT_NE(item["record_id"], id_of(11)) << item.dump();
}

TEST_F(Suggestions, AnAgentTokenCanOnlyReadItsSnapshotAndSuggest) {
  const ApiUser agent = with_token(token_);
  const std::string rec = path_of(1);
  const std::string table = table_path(s_.snapshot_id, s_.table_id);
  // Reads.
  EXPECT_EQ(agent.get_ok(snap())["id"], s_.snapshot_id);
  EXPECT_EQ(agent.get_ok(snap() + "/tables")["items"].size(), 1u);
  EXPECT_EQ(agent.get_ok(table)["id"], s_.table_id);
  EXPECT_EQ(all_records(agent, s_.snapshot_id, s_.table_id).size(), static_cast<std::size_t>(kRows));
  EXPECT_EQ(agent.get_ok(rec)["values"]["title"], "Green pear 1");
  EXPECT_EQ(agent.post_ok(s_.records + "/query", {{"limit", 2}})["items"].size(), 2u);
  EXPECT_TRUE(agent.get_ok(table + "/changes?since=0")["items"].is_array());
  EXPECT_TRUE(agent.get_ok(snap() + "/suggestions")["items"].is_array());

  struct Call {
    std::string method, path;
    json body;
  };
  const std::vector<Call> forbidden = {
      {"PATCH", rec, {{"values", {{"title", "agent edit"}}}}},
      {"POST", s_.records, {{"values", {{"title", "agent create"}}}}},
      {"DELETE", rec, nullptr},
      {"POST", rec + "/revert", json::object()},
      {"POST", s_.records + "/bulk-update", {{"values", {{"title", "bulk"}}}}},
      {"POST", s_.records + "/replace", {{"field", "title"}, {"find", "e"}, {"replace", "E"}}},
      {"POST", snap() + "/download", json::object()},
      {"POST", snap() + "/publish", json::object()},
      {"POST", snap() + "/agent-tokens", {{"name", "mine now"}}},
      {"GET", snap() + "/agent-tokens", nullptr},
      {"PATCH", snap(), {{"name", "renamed by agent"}}},
      {"DELETE", snap(), nullptr},
      {"DELETE", table, nullptr},
      {"POST", snap() + "/suggestions/accept", {{"all", true}}},
      {"POST", snap() + "/suggestions/reject", {{"all", true}}},
      {"GET", "/api/v1/snapshots", nullptr},
      {"POST", "/api/v1/snapshots", {{"name", "agent's"}}},
      {"GET", "/api/v1/connector-accounts", nullptr},
      {"GET", "/api/v1/jobs", nullptr},
      {"POST", "/api/v1/api-tokens", {{"name", "escalate"}}},
  };
  for (auto c : forbidden) {
    SCOPED_TRACE(c.method + " " + c.path);
    HttpResponse r;
    if (c.method == "GET") {
      r = agent.get(c.path);
    } else if (c.method == "DELETE") {
      r = agent.del(c.path);
    } else if (c.method == "PATCH") {
      r = agent.patch(c.path, c.body);
    } else {
      r = agent.post(c.path, c.body);
    }
    expect_problem(r, 403, "agent_token_forbidden");
  }
  EXPECT_EQ(user.get_ok(rec)["values"]["title"], "Green pear 1");
  EXPECT_EQ(user.get_ok(snap())["name"], "items");
  EXPECT_EQ(user.get_ok("/api/v1/snapshots")["items"].size(), 1u);
  EXPECT_EQ(user.get_ok(snap() + "/agent-tokens")["items"].size(), 1u);
  EXPECT_EQ(all_records(user, s_.snapshot_id, s_.table_id).size(), static_cast<std::size_t>(kRows));

  // Another snapshot of the same owner does not exist for this agent.
  const std::string other_snap = create_snapshot(user, "other");
  json other_table = add_table(user, other_snap, s_.account_id, "public.items");
  ASSERT_TRUE(other_table.is_object());
  const std::string other_id = other_table["id"];
  expect_problem(agent.get(snapshot_path(other_snap)), 404, "not_found");
  expect_problem(agent.get(snapshot_path(other_snap) + "/tables"), 404, "not_found");
  expect_problem(agent.get(records_path(other_snap, other_id)), 404, "not_found");
  expect_problem(agent.get(snapshot_path(other_snap) + "/suggestions"), 404, "not_found");
  expect_problem(agent.post(snapshot_path(other_snap) + "/suggestions",
                            {{"table_id", other_id}, {"creates", {{{"values", {{"title", "x"}}}}}}}),
                 404, "not_found");
  // Its own snapshot with the other snapshot's table.
  expect_problem(agent.get(records_path(s_.snapshot_id, other_id)), 404, "not_found");
}

TEST_F(Suggestions, TokensAreListedWithoutSecretsAndRevokedOrExpiredTokensAre401) {
  json created = user.post_ok(snap() + "/agent-tokens", {{"name", "short"}, {"expires_in_hours", 2}}, 201);
  ASSERT_TRUE(created.is_object());
  const std::string secret = created.value("token", "");
  ASSERT_EQ(secret.rfind("sat_", 0), 0u) << created.dump();
  EXPECT_EQ(created["name"], "short");
  EXPECT_FALSE(created.value("prefix", "").empty());
  EXPECT_EQ(secret.rfind(created.value("prefix", "?"), 0), 0u) << "the prefix is the start of the token";
  EXPECT_TRUE(created["expires_at"].is_string());
  EXPECT_TRUE(created["capabilities"].is_array());
  expect_problem(user.post(snap() + "/agent-tokens", {{"name", "too long"}, {"expires_in_hours", 91 * 24}}),
                 422, "validation_failed");

  const auto listed = user.get(snap() + "/agent-tokens");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.json()["items"].size(), 2u);
  EXPECT_EQ(listed.body.find(secret), std::string::npos);
  EXPECT_EQ(listed.body.find(token_), std::string::npos);
  for (auto item : listed.json()["items"])
    EXPECT_FALSE(item.contains("token")) << item.dump();

  const ApiUser short_lived = with_token(secret);
  const ApiUser agent = with_token(token_);
  EXPECT_EQ(short_lived.get(snap()).status, 200);
  EXPECT_EQ(agent.get(snap()).status, 200);

  // Revoked at once.
  user.del_ok(snap() + "/agent-tokens/" + created["id"].get<std::string>(), 204);
  const auto revoked = short_lived.get(snap());
  EXPECT_EQ(revoked.status, 401) << revoked.body;
  EXPECT_EQ(revoked.header("Content-Type"), "application/problem+json");
  EXPECT_EQ(
      short_lived.post(snap() + "/suggestions", {{"table_id", s_.table_id}, {"deletes", {id_of(1)}}}).status,
      401);
  EXPECT_EQ(user.get_ok(snap() + "/agent-tokens")["items"].size(), 1u);
  EXPECT_EQ(agent.get(snap()).status, 200);

  // Expired.
  run_sql("UPDATE agent_tokens SET expires_at = now() - interval '1 minute'");
  const auto expired = agent.get(snap());
  EXPECT_EQ(expired.status, 401) << expired.body;
  EXPECT_EQ(agent.get(s_.records).status, 401);
  // A made-up agent token.
  EXPECT_EQ(with_token("sat_" + std::string(40, 'a')).get(snap()).status, 401);
  EXPECT_EQ(user.get_ok(path_of(1))["suggested_delete"], false);
}

}  // namespace
}  // namespace scratch::test

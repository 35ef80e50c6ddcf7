// Snapshots and their tables over HTTP: create, list, rename, delete; tables from a PostgreSQL account and a
// CSV account side by side; and another user's snapshot, table or record being 404 on every route family.
#include <gtest/gtest.h>

#include <set>

#include "snapshot_fixture.hpp"
#include "support/sse_client.hpp"

namespace scratch::test {
namespace {

using nlohmann::json;

class SnapshotsApi : public SnapshotTest {};

TEST_F(SnapshotsApi, CreateListRenameAndDelete) {
  json first = user.post_ok("/api/v1/snapshots", {{"name", "First"}}, 201);
  ASSERT_TRUE(first.is_object());
  EXPECT_EQ(first["name"], "First");
  EXPECT_TRUE(first["id"].is_string() && !first["id"].get<std::string>().empty()) << first.dump();
  EXPECT_TRUE(first["created_at"].is_string()) << first.dump();
  EXPECT_TRUE(first["updated_at"].is_string()) << first.dump();
  EXPECT_EQ(first["tables"], json::array());
  const std::string first_id = first["id"];
  const std::string second_id = create_snapshot(user, "Second");
  ASSERT_FALSE(second_id.empty());
  EXPECT_NE(first_id, second_id);

  // Newest first, each with its tables.
  json listed = user.get_ok("/api/v1/snapshots");
  ASSERT_EQ(listed["items"].size(), 2u) << listed.dump();
  EXPECT_EQ(listed["items"][0]["id"], second_id);
  EXPECT_EQ(listed["items"][1]["id"], first_id);
  EXPECT_EQ(listed["items"][1]["name"], "First");
  EXPECT_TRUE(listed["items"][0]["tables"].is_array()) << listed.dump();

  json one = user.get_ok(snapshot_path(first_id));
  EXPECT_EQ(one["name"], "First");
  EXPECT_EQ(one["id"], first_id);

  json renamed = user.patch_ok(snapshot_path(first_id), {{"name", "Renamed"}});
  EXPECT_EQ(renamed["name"], "Renamed");
  EXPECT_EQ(renamed["id"], first_id);
  EXPECT_EQ(user.get_ok(snapshot_path(first_id))["name"], "Renamed");
  EXPECT_EQ(user.get_ok(snapshot_path(second_id))["name"], "Second");

  // A name is required.
  expect_problem(user.post("/api/v1/snapshots", json::object()), 422, "validation_failed");
  expect_problem(user.patch(snapshot_path(first_id), {{"name", 42}}), 422, "validation_failed");
  EXPECT_EQ(user.get_ok("/api/v1/snapshots")["items"].size(), 2u);

  user.del_ok(snapshot_path(first_id), 204);
  expect_problem(user.get(snapshot_path(first_id)), 404, "not_found");
  expect_problem(user.del(snapshot_path(first_id)), 404, "not_found");
  json after = user.get_ok("/api/v1/snapshots");
  ASSERT_EQ(after["items"].size(), 1u);
  EXPECT_EQ(after["items"][0]["id"], second_id);
  expect_problem(user.get("/api/v1/snapshots/00000000-0000-0000-0000-000000000000"), 404, "not_found");
}

TEST_F(SnapshotsApi, DeletingASnapshotDeletesItsTablesRecordsAndTokens) {
  const Seeded s = seed_items(5);
  ASSERT_FALSE(s.table_id.empty());
  const std::string agent = agent_token(user, s.snapshot_id);
  ASSERT_FALSE(agent.empty());
  EXPECT_EQ(with_token(agent).get(snapshot_path(s.snapshot_id)).status, 200);
  json records = all_records(user, s.snapshot_id, s.table_id);
  ASSERT_EQ(records.size(), 5u);
  const std::string record_id = records[0]["id"];

  user.del_ok(snapshot_path(s.snapshot_id), 204);
  expect_problem(user.get(table_path(s.snapshot_id, s.table_id)), 404, "not_found");
  expect_problem(user.get(s.records), 404, "not_found");
  expect_problem(user.get(s.records + "/" + record_id), 404, "not_found");
  EXPECT_EQ(with_token(agent).get(snapshot_path(s.snapshot_id)).status, 401);
  // The account stays, and can go into a new snapshot.
  const std::string again = create_snapshot(user, "again");
  json table = add_table(user, again, s.account_id, "public.items");
  EXPECT_EQ(table.value("record_count", -1), 0) << table.dump();
}

TEST_F(SnapshotsApi, TablesFromAPostgresAndACsvAccountInOneSnapshot) {
  create_items_source(6);
  const std::string pg = create_postgres_account(user);
  const std::string csv =
      create_csv_account(user, "sku,name,qty\nA1,Alpha,3\nB2,Beta,5\nC3,Gamma,8\n", "sku");
  ASSERT_FALSE(pg.empty());
  ASSERT_FALSE(csv.empty());
  const std::string snap = create_snapshot(user, "mixed");

  json items = add_table(user, snap, pg, "public.items");
  ASSERT_TRUE(items.is_object());
  EXPECT_EQ(items["snapshot_id"], snap);
  EXPECT_EQ(items["account_id"], pg);
  EXPECT_EQ(items["connector"], "postgres");
  EXPECT_EQ(items["remote_table"], "public.items");
  EXPECT_EQ(items["name"], "items");
  EXPECT_EQ(items["read_only"], false);
  EXPECT_EQ(items["record_count"], 0);
  EXPECT_EQ(items["dirty_count"], 0);
  EXPECT_EQ(items["pending_count"], 0);
  EXPECT_TRUE(items["last_download_at"].is_null()) << items.dump();
  std::map<std::string, json> fields;
  for (auto f : items["fields"])
    fields[f["id"]] = f;
  ASSERT_EQ(fields.size(), 9u) << items["fields"].dump();
  EXPECT_EQ(fields["title"]["type"], "text");
  EXPECT_EQ(fields["price"]["type"], "number");
  EXPECT_EQ(fields["qty"]["type"], "number");
  EXPECT_EQ(fields["due"]["type"], "date");
  EXPECT_EQ(fields["active"]["type"], "boolean");
  EXPECT_EQ(fields["title"]["read_only"], false);
  EXPECT_EQ(fields["raw"]["read_only"], true);

  json rows = add_table(user, snap, csv, "rows");
  ASSERT_TRUE(rows.is_object());
  EXPECT_EQ(rows["connector"], "csv");
  EXPECT_EQ(rows["remote_table"], "rows");
  EXPECT_EQ(rows["account_id"], csv);

  const std::string tables = snapshot_path(snap) + "/tables";
  expect_problem(user.post(tables, {{"account_id", pg}, {"table", "public.items"}}), 409,
                 "table_already_added");
  expect_problem(user.post(tables, {{"account_id", pg}, {"table", "public.nope"}}), 422, "unknown_table");
  const ApiUser other = sign_up_another();
  const std::string others_account = create_postgres_account(other);
  expect_problem(user.post(tables, {{"account_id", others_account}, {"table", "public.items"}}), 404,
                 "not_found");
  expect_problem(
      user.post(tables, {{"account_id", "00000000-0000-0000-0000-000000000000"}, {"table", "rows"}}), 404,
      "not_found");

  json listed = user.get_ok(tables);
  ASSERT_EQ(listed["items"].size(), 2u) << listed.dump();
  std::set<std::string> ids;
  for (auto t : listed["items"])
    ids.insert(t["id"].get<std::string>());
  EXPECT_EQ(ids, (std::set<std::string>{items["id"], rows["id"]}));
  EXPECT_EQ(user.get_ok(snapshot_path(snap))["tables"].size(), 2u);

  json job = download(user, snap);
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump();
  json items_after = user.get_ok(table_path(snap, items["id"]));
  EXPECT_EQ(items_after["record_count"], 6);
  EXPECT_FALSE(items_after["last_download_at"].is_null());
  json rows_after = user.get_ok(table_path(snap, rows["id"]));
  EXPECT_EQ(rows_after["record_count"], 3);

  json csv_records = all_records(user, snap, rows["id"]);
  ASSERT_EQ(csv_records.size(), 3u) << csv_records.dump();
  json beta = by_remote_id(csv_records, "B2");
  ASSERT_TRUE(beta.is_object()) << csv_records.dump();
  EXPECT_EQ(beta["values"]["name"], "Beta");
  EXPECT_EQ(beta["values"]["qty"], 5);
  EXPECT_EQ(beta["state"], "synced");
  json pg_records = all_records(user, snap, items["id"]);
  ASSERT_EQ(pg_records.size(), 6u);
  EXPECT_EQ(by_remote_id(pg_records, "4")["values"]["title"], "Green pear 4");

  // Removing a table removes its records; the other table is untouched; it can be added again.
  user.del_ok(table_path(snap, items["id"]), 204);
  expect_problem(user.get(table_path(snap, items["id"])), 404, "not_found");
  expect_problem(user.get(records_path(snap, items["id"])), 404, "not_found");
  expect_problem(user.get(records_path(snap, items["id"]) + "/" + pg_records[0]["id"].get<std::string>()),
                 404, "not_found");
  json remaining = user.get_ok(tables);
  ASSERT_EQ(remaining["items"].size(), 1u);
  EXPECT_EQ(remaining["items"][0]["id"], rows["id"]);
  EXPECT_EQ(all_records(user, snap, rows["id"]).size(), 3u);
  json readded = add_table(user, snap, pg, "public.items");
  EXPECT_EQ(readded.value("record_count", -1), 0) << readded.dump();
}

TEST_F(SnapshotsApi, EverythingSurvivesAServerRestart) {
  create_items_source(3);
  const std::string pg = create_postgres_account(user);
  const std::string csv = create_csv_account(user, "sku,name\nA1,Alpha\nB2,Beta\n", "sku");
  const std::string snap = create_snapshot(user, "durable");
  const std::string items = add_table(user, snap, pg, "public.items").value("id", "");
  const std::string rows = add_table(user, snap, csv, "rows").value("id", "");
  ASSERT_EQ(download(user, snap).value("state", ""), "succeeded");
  const json alpha = by_remote_id(all_records(user, snap, rows), "A1");
  ASSERT_TRUE(alpha.is_object());
  user.patch_ok(records_path(snap, rows) + "/" + alpha["id"].get<std::string>(),
                {{"values", {{"name", "Edited"}}}});
  const std::string agent = agent_token(user, snap);

  restart_server();
  // Sessions, agent tokens, encrypted credentials and uploaded files are all still usable.
  EXPECT_EQ(user.get_ok(snapshot_path(snap))["tables"].size(), 2u);
  EXPECT_EQ(with_token(agent).get(snapshot_path(snap)).status, 200);
  EXPECT_EQ(user.get_ok(records_path(snap, rows) + "/" + alpha["id"].get<std::string>())["values"]["name"],
            "Edited");
  source_exec(
      "INSERT INTO items (id, title, status, qty, active) VALUES (100, 'After restart', 'draft', 1, true)");
  const json again = download(user, snap);
  EXPECT_EQ(again.value("state", ""), "succeeded") << again.dump();
  EXPECT_EQ(all_records(user, snap, items).size(), 4u);
  EXPECT_EQ(by_remote_id(all_records(user, snap, items), "100")["values"]["title"], "After restart");
  EXPECT_EQ(all_records(user, snap, rows).size(), 2u);
  EXPECT_EQ(by_remote_id(all_records(user, snap, rows), "A1")["values"]["name"], "Edited");
  EXPECT_FALSE(csv_account_latest_file(user, csv).empty());
}

TEST_F(SnapshotsApi, AnotherUsersSnapshotTableAndRecordAre404OnEveryRoute) {
  const Seeded s = seed_items(4);
  ASSERT_FALSE(s.table_id.empty());
  json records = all_records(user, s.snapshot_id, s.table_id);
  ASSERT_EQ(records.size(), 4u);
  const std::string rid = records[0]["id"];
  const std::string record = s.records + "/" + rid;
  json token = user.post_ok(snapshot_path(s.snapshot_id) + "/agent-tokens", {{"name", "a"}}, 201);
  const std::string snap = snapshot_path(s.snapshot_id);
  const std::string table = table_path(s.snapshot_id, s.table_id);

  const ApiUser other = sign_up_another();
  const std::string others_snapshot = create_snapshot(other, "mine");
  const std::string others_account = create_postgres_account(other);
  // The owner's table and record through the other user's own snapshot are not found either.
  const std::string crossed = records_path(others_snapshot, s.table_id);

  struct Call {
    std::string method, path;
    json body;
  };
  json filter = {{"field", "title"}, {"op", "contains"}, {"value", "a"}};
  const std::vector<Call> calls = {
      {"GET", snap, nullptr},
      {"PATCH", snap, {{"name", "stolen"}}},
      {"DELETE", snap, nullptr},
      {"GET", snap + "/tables", nullptr},
      {"POST", snap + "/tables", {{"account_id", others_account}, {"table", "public.items"}}},
      {"GET", table, nullptr},
      {"DELETE", table, nullptr},
      {"GET", s.records, nullptr},
      {"POST", s.records + "/query", {{"limit", 10}}},
      {"POST", s.records, {{"values", {{"title", "x"}}}}},
      {"GET", record, nullptr},
      {"PATCH", record, {{"values", {{"title", "stolen"}}}}},
      {"DELETE", record, nullptr},
      {"POST", record + "/revert", json::object()},
      {"POST", record + "/resolve", {{"fields", {{"title", "local"}}}}},
      {"POST", s.records + "/bulk-update", {{"values", {{"title", "stolen"}}}}},
      {"POST", s.records + "/replace", {{"field", "title"}, {"find", "a"}, {"replace", "b"}}},
      {"GET", table + "/changes?since=0", nullptr},
      {"POST", snap + "/agent-tokens", {{"name", "x"}}},
      {"GET", snap + "/agent-tokens", nullptr},
      {"DELETE", snap + "/agent-tokens/" + token.value("id", ""), nullptr},
      {"POST",
       snap + "/suggestions",
       {{"table_id", s.table_id}, {"updates", {{{"record_id", rid}, {"values", {{"title", "x"}}}}}}}},
      {"GET", snap + "/suggestions", nullptr},
      {"POST", snap + "/suggestions/accept", {{"all", true}}},
      {"POST", snap + "/suggestions/reject", {{"all", true}}},
      {"POST", snap + "/suggestions/accept", {{"table_id", s.table_id}, {"filter", filter}}},
      {"POST", snap + "/download", json::object()},
      {"GET", snap + "/publish/plan", nullptr},
      {"POST", snap + "/publish", json::object()},
      {"GET", crossed, nullptr},
      {"GET", crossed + "/" + rid, nullptr},
      {"PATCH", crossed + "/" + rid, {{"values", {{"title", "stolen"}}}}},
      {"DELETE", crossed + "/" + rid, nullptr},
      {"GET", table_path(others_snapshot, s.table_id), nullptr},
      {"DELETE", table_path(others_snapshot, s.table_id), nullptr},
  };
  for (auto c : calls) {
    SCOPED_TRACE(c.method + " " + c.path);
    HttpResponse r;
    if (c.method == "GET") {
      r = other.get(c.path);
    } else if (c.method == "DELETE") {
      r = other.del(c.path);
    } else if (c.method == "PATCH") {
      r = other.patch(c.path, c.body);
    } else {
      r = other.post(c.path, c.body);
    }
    expect_problem(r, 404, "not_found");
  }
  {
    SseClient stream(server_->port(), snap + "/events", other.token);
    EXPECT_EQ(stream.status(), 404) << stream.body_if_not_stream();
  }
  EXPECT_EQ(other.get_ok("/api/v1/snapshots")["items"].size(), 1u);  // only its own

  // Nothing happened to the owner's data.
  json mine = user.get_ok(snap);
  EXPECT_EQ(mine["name"], "items");
  ASSERT_EQ(mine["tables"].size(), 1u);
  json again = all_records(user, s.snapshot_id, s.table_id);
  ASSERT_EQ(again.size(), 4u);
  for (auto r : again) {
    EXPECT_EQ(r["state"], "synced") << r.dump();
    EXPECT_EQ(r["edits"], json::object()) << r.dump();
    EXPECT_EQ(r["suggestions"], json::object()) << r.dump();
  }
  EXPECT_EQ(user.get_ok(record)["values"]["title"], records[0]["values"]["title"]);
  EXPECT_EQ(user.get_ok(snap + "/agent-tokens")["items"].size(), 1u);
  EXPECT_EQ(user.get_ok(table).value("pending_count", -1), 0);
}

}  // namespace
}  // namespace scratch::test

// The whole round trip, end to end over HTTP: download a source table into a snapshot, edit it (by hand,
// a local create, a delete, an agent's suggestion accepted), check the dry-run plan, publish, and check
// that the source changed exactly as planned and nothing else. Once on PostgreSQL, once on a CSV account.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "snapshots/snapshot_fixture.hpp"
#include "snapshots/sync/sync_helpers.hpp"

namespace scratch::test {
namespace {

using namespace sync;

class PublishFlow : public SnapshotTest {};

// A source with a primary key and several types. `stock` is never edited in the snapshot but changes at the
// source after the download: publishing must not write it back. `updates` counts UPDATEs per row (trigger),
// so a record that was not published shows no write at all.
constexpr const char* kProductsSql = R"sql(
CREATE TABLE products (
  id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  sku      text NOT NULL UNIQUE,
  name     text NOT NULL,
  price    numeric(10,2),
  qty      integer,
  active   boolean NOT NULL DEFAULT true,
  released date,
  meta     jsonb,
  stock    integer NOT NULL DEFAULT 0,
  updates  integer NOT NULL DEFAULT 0
);
CREATE FUNCTION count_updates() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.updates := OLD.updates + 1; RETURN NEW; END $$;
CREATE TRIGGER products_count_updates BEFORE UPDATE ON products
  FOR EACH ROW EXECUTE FUNCTION count_updates();
INSERT INTO products (sku, name, price, qty, active, released, meta, stock)
SELECT 'SKU-' || i, 'Product ' || i, i * 1.5, i, i % 2 = 0, date '2024-01-01' + i,
       jsonb_build_object('n', i), 100 + i
FROM generate_series(1, 8) AS i;
)sql";

TEST_F(PublishFlow, PostgresRoundTripChangesTheSourceExactlyAsPlanned) {
  source_exec(kProductsSql);
  const std::string account = create_postgres_account(user);
  const std::string sid = create_snapshot(user, "products");
  const json table = add_table(user, sid, account, "public.products");
  const std::string tid = table.at("id");

  const json dl = download(user, sid);
  ASSERT_EQ(dl.value("state", ""), "succeeded") << dl.dump();

  json records = all_records(user, sid, tid);
  ASSERT_EQ(records.size(), 8u) << records.dump();
  const json sku1 = find_by(records, "sku", "SKU-1");
  ASSERT_FALSE(sku1.is_null());
  EXPECT_EQ(sku1["state"], "synced");
  EXPECT_EQ(sku1["values"]["name"], "Product 1");
  EXPECT_EQ(sku1["values"]["price"], 1.5);
  EXPECT_EQ(sku1["values"]["qty"], 1);
  EXPECT_EQ(sku1["values"]["active"], false);
  EXPECT_EQ(sku1["values"]["released"], "2024-01-02");
  EXPECT_EQ(sku1["values"]["meta"], json({{"n", 1}}));
  EXPECT_EQ(sku1["values"]["stock"], 101);
  const auto source_before = index_rows(source_rows("SELECT * FROM products"), "sku");
  EXPECT_EQ(str(sku1["remote_id"]), str(source_before.at("SKU-1")["id"]));

  std::map<std::string, std::string> rid;  // sku -> record id
  for (const auto& r : records)
    rid[r["values"]["sku"].get<std::string>()] = id_of(r);

  // Hand edits.
  user.patch_ok(record_path(sid, tid, rid["SKU-1"]), {{"values", {{"name", "Renamed 1"}}}});
  user.patch_ok(record_path(sid, tid, rid["SKU-2"]), {{"values", {{"price", 99.99}, {"active", false}}}});
  // An edit taken back is no edit at all.
  user.patch_ok(record_path(sid, tid, rid["SKU-6"]), {{"values", {{"name", "Temporary"}}}});
  const json back = user.patch_ok(record_path(sid, tid, rid["SKU-6"]), {{"values", {{"name", "Product 6"}}}});
  EXPECT_EQ(back.value("edits", json::object()), json::object()) << back.dump();
  // A local create and a delete.
  const json created = user.post_ok(records_path(sid, tid),
                                    {{"values",
                                      {{"sku", "NEW-1"},
                                       {"name", "Brand new"},
                                       {"price", 5.25},
                                       {"qty", 1},
                                       {"active", true},
                                       {"released", "2025-02-03"},
                                       {"meta", {{"tags", {"a", "b"}}}}}}},
                                    201);
  ASSERT_TRUE(created.contains("id")) << created.dump();
  EXPECT_EQ(created.value("state", ""), "created");
  EXPECT_TRUE(created["remote_id"].is_null());
  const std::string new_id = id_of(created);
  const json deleted = user.del(record_path(sid, tid, rid["SKU-5"])).json();
  EXPECT_EQ(deleted.value("state", ""), "deleted") << deleted.dump();

  // An agent suggests two fields of SKU-3; the owner accepts one and rejects the other.
  const ApiUser agent = with_token(agent_token(user, sid));
  const auto suggested = agent.post(
      snap_path(sid) + "/suggestions",
      {{"table_id", tid},
       {"updates",
        json::array({{{"record_id", rid["SKU-3"]}, {"values", {{"qty", 333}, {"name", "Agent"}}}}})}});
  ASSERT_TRUE(suggested.status == 200 || suggested.status == 201) << suggested.body;
  // The agent can read but not publish.
  EXPECT_EQ(agent.post(snap_path(sid) + "/publish").status, 403);
  const json accepted = user.post_ok(
      snap_path(sid) + "/suggestions/accept",
      {{"items", json::array({{{"table_id", tid}, {"record_id", rid["SKU-3"]}, {"fields", {"qty"}}}})}});
  EXPECT_GE(accepted.value("accepted", 0), 1) << accepted.dump();
  user.post_ok(snap_path(sid) + "/suggestions/reject",
               {{"items", json::array({{{"table_id", tid}, {"record_id", rid["SKU-3"]}}})}});
  const json sku3 = user.get_ok(record_path(sid, tid, rid["SKU-3"]));
  EXPECT_EQ(sku3["edits"], json({{"qty", 333}})) << sku3.dump();
  EXPECT_EQ(sku3.value("suggestions", json::object()), json::object()) << sku3.dump();

  // Meanwhile the source changes a column nobody edits here, on an edited row and an untouched one.
  source_exec("UPDATE products SET stock = 999 WHERE sku IN ('SKU-1', 'SKU-7')");

  // The dry run: what will be sent, and nothing sent yet.
  const json plan = full_plan(user, sid);
  const json counts = counts_for(plan, tid);
  EXPECT_EQ(counts.value("creates", -1), 1) << plan.dump();
  EXPECT_EQ(counts.value("updates", -1), 3) << plan.dump();
  EXPECT_EQ(counts.value("deletes", -1), 1) << plan.dump();
  EXPECT_EQ(counts.value("skipped", -1), 0) << plan.dump();
  EXPECT_EQ(plan["operations"].size(), 5u) << plan.dump();
  EXPECT_TRUE(plan["skipped"].empty()) << plan.dump();
  {
    const auto ops = ops_for(plan, rid["SKU-1"]);
    ASSERT_EQ(ops.size(), 1u) << plan.dump();
    EXPECT_EQ(ops[0]["op"], "update");
    EXPECT_EQ(str(ops[0]["remote_id"]), str(source_before.at("SKU-1")["id"]));
    EXPECT_EQ(ops[0]["fields"], json({{"name", "Renamed 1"}})) << "only the changed field";
  }
  {
    const auto ops = ops_for(plan, rid["SKU-2"]);
    ASSERT_EQ(ops.size(), 1u) << plan.dump();
    EXPECT_EQ(ops[0]["op"], "update");
    EXPECT_EQ(ops[0]["fields"], json({{"price", 99.99}, {"active", false}}));
  }
  {
    const auto ops = ops_for(plan, rid["SKU-3"]);
    ASSERT_EQ(ops.size(), 1u) << plan.dump();
    EXPECT_EQ(ops[0]["op"], "update");
    EXPECT_EQ(ops[0]["fields"], json({{"qty", 333}})) << "the rejected suggestion is not published";
  }
  {
    const auto ops = ops_for(plan, rid["SKU-5"]);
    ASSERT_EQ(ops.size(), 1u) << plan.dump();
    EXPECT_EQ(ops[0]["op"], "delete");
    EXPECT_EQ(str(ops[0]["remote_id"]), str(source_before.at("SKU-5")["id"]));
  }
  {
    const auto ops = ops_for(plan, new_id);
    ASSERT_EQ(ops.size(), 1u) << plan.dump();
    EXPECT_EQ(ops[0]["op"], "create");
    EXPECT_TRUE(ops[0]["remote_id"].is_null());
    EXPECT_EQ(ops[0]["fields"].value("sku", ""), "NEW-1") << ops[0].dump();
    EXPECT_EQ(ops[0]["fields"].value("name", ""), "Brand new") << ops[0].dump();
  }
  EXPECT_TRUE(ops_for(plan, rid["SKU-6"]).empty()) << "an edit taken back is not published";
  // Creates come before updates, updates before deletes.
  ASSERT_EQ(plan["operations"].size(), 5u);
  EXPECT_EQ(plan["operations"].front()["op"], "create");
  EXPECT_EQ(plan["operations"].back()["op"], "delete");
  // The plan's op filter.
  const json only_updates = user.get_ok(snap_path(sid) + "/publish/plan?op=update&limit=100");
  EXPECT_EQ(only_updates["operations"].size(), 3u) << only_updates.dump();
  // A dry run calls no source.
  EXPECT_EQ(source_rows("SELECT sum(updates)::int AS n FROM products")[0]["n"], 2);

  // Publish.
  const json job = publish(user, sid);
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump();
  EXPECT_EQ(job["type"], "snapshot.publish");
  const json result = job["result"];
  EXPECT_EQ(result.value("status", ""), "completed") << result.dump();
  EXPECT_EQ(succeeded_failed(result, "create"), json({{"succeeded", 1}, {"failed", 0}})) << result.dump();
  EXPECT_EQ(succeeded_failed(result, "update"), json({{"succeeded", 3}, {"failed", 0}})) << result.dump();
  EXPECT_EQ(succeeded_failed(result, "delete"), json({{"succeeded", 1}, {"failed", 0}})) << result.dump();
  EXPECT_TRUE(result.value("failures", json::array()).empty()) << result.dump();

  // The source: exactly the planned changes.
  const auto after = index_rows(source_rows("SELECT * FROM products"), "sku");
  EXPECT_EQ(after.size(), 8u);
  EXPECT_EQ(after.count("SKU-5"), 0u) << "deleted";
  ASSERT_EQ(after.count("SKU-1"), 1u);
  EXPECT_EQ(after.at("SKU-1")["name"], "Renamed 1");
  EXPECT_EQ(after.at("SKU-1")["stock"], 999) << "a column changed at the source and not edited here survives";
  EXPECT_EQ(after.at("SKU-1")["updates"], 2) << "the source's own update and one from the publish";
  EXPECT_EQ(after.at("SKU-1")["price"], 1.5);
  EXPECT_EQ(after.at("SKU-2")["price"], 99.99);
  EXPECT_EQ(after.at("SKU-2")["active"], false);
  EXPECT_EQ(after.at("SKU-2")["name"], "Product 2");
  EXPECT_EQ(after.at("SKU-2")["updates"], 1);
  EXPECT_EQ(after.at("SKU-3")["qty"], 333);
  EXPECT_EQ(after.at("SKU-3")["name"], "Product 3");
  EXPECT_EQ(after.at("SKU-3")["updates"], 1);
  for (const char* untouched : {"SKU-4", "SKU-6", "SKU-8"}) {
    EXPECT_EQ(after.at(untouched)["updates"], 0) << untouched << " was written";
    EXPECT_EQ(after.at(untouched)["name"], source_before.at(untouched)["name"]);
  }
  EXPECT_EQ(after.at("SKU-7")["updates"], 1) << "only the source's own update";
  EXPECT_EQ(after.at("SKU-7")["stock"], 999);
  ASSERT_EQ(after.count("NEW-1"), 1u);
  const json new_row = after.at("NEW-1");
  EXPECT_EQ(new_row["name"], "Brand new");
  EXPECT_EQ(new_row["price"], 5.25);
  EXPECT_EQ(new_row["released"], "2025-02-03");
  EXPECT_EQ(new_row["meta"], json({{"tags", {"a", "b"}}}));
  EXPECT_EQ(source_rows("SELECT count(*)::int AS n FROM products WHERE sku = 'NEW-1'")[0]["n"], 1);

  // The snapshot: everything synced, the create has its remote id, the source's returned values stored.
  records = all_records(user, sid, tid);
  EXPECT_EQ(records.size(), 8u);
  for (const auto& r : records) {
    EXPECT_EQ(r.value("state", ""), "synced") << r.dump();
    EXPECT_EQ(r.value("edits", json::object()), json::object()) << r.dump();
    EXPECT_TRUE(r["publish_error"].is_null()) << r.dump();
    EXPECT_FALSE(r["remote_id"].is_null()) << r.dump();
  }
  const json new_record = user.get_ok(record_path(sid, tid, new_id));
  EXPECT_EQ(new_record.value("state", ""), "synced") << new_record.dump();
  EXPECT_EQ(str(new_record["remote_id"]), str(new_row["id"]));
  EXPECT_EQ(new_record["values"]["id"], new_row["id"]) << "the source's generated key comes back";
  const json sku1_after = user.get_ok(record_path(sid, tid, rid["SKU-1"]));
  EXPECT_EQ(sku1_after["values"]["name"], "Renamed 1");
  EXPECT_EQ(sku1_after["values"]["stock"], 999) << "the source's returned row is the new downloaded state";
  EXPECT_EQ(sku1_after["downloaded"]["name"], "Renamed 1");
  EXPECT_EQ(user.get(record_path(sid, tid, rid["SKU-5"])).status, 404);
  const json table_after = user.get_ok(table_path(sid, tid));
  EXPECT_EQ(table_after.value("dirty_count", -1), 0) << table_after.dump();
  EXPECT_EQ(table_after.value("record_count", -1), 8) << table_after.dump();
  EXPECT_FALSE(table_after["last_publish_at"].is_null()) << table_after.dump();

  // Nothing left to publish.
  const json empty_plan = full_plan(user, sid);
  EXPECT_TRUE(empty_plan["operations"].empty()) << empty_plan.dump();

  // Downloading again changes nothing: the snapshot and the source agree.
  ASSERT_EQ(download(user, sid).value("state", ""), "succeeded");
  const json again = all_records(user, sid, tid);
  EXPECT_EQ(again.size(), 8u);
  for (const auto& r : again)
    EXPECT_EQ(r.value("state", ""), "synced") << r.dump();
  EXPECT_EQ(find_by(again, "sku", "SKU-1")["values"]["stock"], 999);
}

TEST_F(PublishFlow, CsvRoundTripWritesANewFileVersion) {
  const std::string original =
      "sku,name,price,qty\n"
      "A1,Alpha,1.5,10\n"
      "A2,Beta,2.5,20\n"
      "A3,Gamma,3.5,30\n"
      "A4,Delta,4.5,40\n";
  const std::string account = create_csv_account(user, original, "sku");
  const std::string sid = create_snapshot(user, "csv");
  const std::string tid = add_table(user, sid, account, "rows").at("id");
  const json files_before = user.get_ok("/api/v1/connector-accounts/" + account + "/files")["items"];
  ASSERT_EQ(files_before.size(), 1u) << files_before.dump();
  const std::string first_version = files_before[0]["name"];

  ASSERT_EQ(download(user, sid).value("state", ""), "succeeded");
  json records = all_records(user, sid, tid);
  ASSERT_EQ(records.size(), 4u) << records.dump();
  std::map<std::string, std::string> rid;
  for (const auto& r : records) {
    rid[r["values"]["sku"].get<std::string>()] = id_of(r);
    EXPECT_EQ(str(r["remote_id"]), r["values"]["sku"].get<std::string>()) << "id_column gives the ids";
  }
  EXPECT_EQ(find_by(records, "sku", "A1")["values"]["price"], 1.5);

  user.patch_ok(record_path(sid, tid, rid["A1"]), {{"values", {{"name", "Alpha prime"}}}});
  user.del(record_path(sid, tid, rid["A2"]));
  const json created =
      user.post_ok(records_path(sid, tid),
                   {{"values", {{"sku", "A5"}, {"name", "Epsilon"}, {"price", 5.5}, {"qty", 50}}}}, 201);
  const std::string new_id = id_of(created);
  const ApiUser agent = with_token(agent_token(user, sid));
  const auto suggested = agent.post(
      snap_path(sid) + "/suggestions",
      {{"table_id", tid}, {"updates", json::array({{{"record_id", rid["A3"]}, {"values", {{"qty", 33}}}}})}});
  ASSERT_TRUE(suggested.status == 200 || suggested.status == 201) << suggested.body;
  const json accepted = user.post_ok(snap_path(sid) + "/suggestions/accept", {{"all", true}});
  EXPECT_EQ(accepted.value("accepted", 0), 1) << accepted.dump();

  const json plan = full_plan(user, sid);
  const json counts = counts_for(plan, tid);
  EXPECT_EQ(counts.value("creates", -1), 1) << plan.dump();
  EXPECT_EQ(counts.value("updates", -1), 2) << plan.dump();
  EXPECT_EQ(counts.value("deletes", -1), 1) << plan.dump();
  ASSERT_EQ(ops_for(plan, rid["A1"]).size(), 1u);
  EXPECT_EQ(ops_for(plan, rid["A1"])[0]["fields"], json({{"name", "Alpha prime"}}));
  ASSERT_EQ(ops_for(plan, rid["A3"]).size(), 1u);
  EXPECT_EQ(ops_for(plan, rid["A3"])[0]["fields"], json({{"qty", 33}}));
  ASSERT_EQ(ops_for(plan, rid["A2"]).size(), 1u);
  EXPECT_EQ(ops_for(plan, rid["A2"])[0]["op"], "delete");
  EXPECT_EQ(user.get_ok("/api/v1/connector-accounts/" + account + "/files")["items"].size(), 1u)
      << "a dry run writes nothing";

  const json job = publish(user, sid);
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump();
  EXPECT_EQ(job["result"].value("status", ""), "completed") << job.dump();

  // A new version holds the result; the first version is kept as it was.
  const json files_after = user.get_ok("/api/v1/connector-accounts/" + account + "/files")["items"];
  EXPECT_GT(files_after.size(), files_before.size()) << files_after.dump();
  const auto first = user.get("/api/v1/connector-accounts/" + account + "/files/" + first_version);
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.body, original) << "earlier versions are immutable";

  const std::string latest = csv_account_latest_file(user, account);
  const auto rows = parse_simple_csv(latest);
  ASSERT_FALSE(rows.empty()) << latest;
  EXPECT_EQ(rows[0], (std::vector<std::string>{"sku", "name", "price", "qty"})) << latest;
  std::map<std::string, std::vector<std::string>> by_sku;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), 4u) << latest;
    EXPECT_EQ(by_sku.count(rows[i][0]), 0u) << "duplicate row " << rows[i][0] << " in\n" << latest;
    by_sku[rows[i][0]] = rows[i];
  }
  EXPECT_EQ(by_sku.size(), 4u) << latest;
  EXPECT_EQ(by_sku.count("A2"), 0u) << latest;
  ASSERT_EQ(by_sku.count("A1"), 1u) << latest;
  EXPECT_EQ(by_sku["A1"][1], "Alpha prime");
  EXPECT_DOUBLE_EQ(std::stod(by_sku["A1"][2]), 1.5);
  EXPECT_EQ(std::stod(by_sku["A1"][3]), 10);
  ASSERT_EQ(by_sku.count("A3"), 1u) << latest;
  EXPECT_EQ(by_sku["A3"][1], "Gamma");
  EXPECT_EQ(std::stod(by_sku["A3"][3]), 33);
  ASSERT_EQ(by_sku.count("A4"), 1u) << latest;
  EXPECT_EQ(by_sku["A4"], (std::vector<std::string>{"A4", "Delta", "4.5", "40"}))
      << "untouched row unchanged";
  ASSERT_EQ(by_sku.count("A5"), 1u) << latest;
  EXPECT_EQ(by_sku["A5"][1], "Epsilon");
  EXPECT_DOUBLE_EQ(std::stod(by_sku["A5"][2]), 5.5);

  records = all_records(user, sid, tid);
  EXPECT_EQ(records.size(), 4u);
  for (const auto& r : records) {
    EXPECT_EQ(r.value("state", ""), "synced") << r.dump();
    EXPECT_TRUE(r["publish_error"].is_null()) << r.dump();
  }
  const json new_record = user.get_ok(record_path(sid, tid, new_id));
  EXPECT_EQ(str(new_record["remote_id"]), "A5") << new_record.dump();
  EXPECT_EQ(user.get_ok(table_path(sid, tid)).value("dirty_count", -1), 0);
}

}  // namespace
}  // namespace scratch::test

// Downloading again into a snapshot with local edits: the merge by remote id (new rows, rows gone at the
// source, clean records refreshed, edits kept, conflicts with local/remote/base), resolving, and publishing
// around an unresolved conflict.
#include <gtest/gtest.h>

#include <string>

#include "snapshots/snapshot_fixture.hpp"
#include "snapshots/sync/sync_helpers.hpp"

namespace scratch::test {
namespace {

using namespace sync;

class RedownloadMerge : public SnapshotTest {};

TEST_F(RedownloadMerge, MergesRemoteChangesWithLocalEditsAndConflicts) {
  source_exec(R"sql(
    CREATE TABLE items (id serial PRIMARY KEY, name text, price numeric, qty integer, note text);
    INSERT INTO items (id, name, price, qty, note)
    SELECT i, 'Item ' || i, i * 10, i, 'note ' || i FROM generate_series(1, 10) AS i;
    SELECT setval('items_id_seq', 100);
  )sql");
  const std::string account = create_postgres_account(user);
  const std::string sid = create_snapshot(user);
  const std::string tid = add_table(user, sid, account, "public.items").at("id");
  ASSERT_EQ(download(user, sid).value("state", ""), "succeeded");
  json records = all_records(user, sid, tid);
  ASSERT_EQ(records.size(), 10u);
  std::map<int, std::string> rid;  // source id -> record id
  for (const auto& r : records)
    rid[r["values"]["id"].get<int>()] = id_of(r);
  const auto rec = [&](int n) { return user.get_ok(record_path(sid, tid, rid.at(n))); };
  const auto edit = [&](int n, const json& values) {
    user.patch_ok(record_path(sid, tid, rid.at(n)), {{"values", values}});
  };

  // Local edits.
  edit(1, {{"name", "L1"}});  // the source changes another field of it
  edit(2, {{"name", "L2"}});  // the source changes the same field: conflict, left unresolved for a while
  edit(3, {{"name", "L3"}});  // conflict, resolved "remote"
  edit(4, {{"qty", 444}});    // the source makes the same change: settled
  edit(7, {{"note", "L7"}});  // deleted at the source: remote_deleted, recreated
  edit(8, {{"note", "L8"}});  // deleted at the source: remote_deleted, discarded
  edit(9, {{"name", "L9"}});  // conflict, resolved "local"
  // 5 and 6 stay clean: 5 changes at the source, 6 is deleted there. 10 stays as it is everywhere.

  source_exec(R"sql(
    UPDATE items SET price = 100 WHERE id = 1;
    UPDATE items SET name = 'R2' WHERE id = 2;
    UPDATE items SET name = 'R3' WHERE id = 3;
    UPDATE items SET qty = 444 WHERE id = 4;
    UPDATE items SET name = 'R5', price = 55 WHERE id = 5;
    DELETE FROM items WHERE id IN (6, 7, 8);
    UPDATE items SET name = 'R9' WHERE id = 9;
    INSERT INTO items (id, name, price, qty, note) VALUES (11, 'New 11', 110, 11, 'n11'), (12, 'New 12', 120, 12, 'n12');
  )sql");

  const json dl = download(user, sid);
  ASSERT_EQ(dl.value("state", ""), "succeeded") << dl.dump();
  records = all_records(user, sid, tid);
  // 6 is gone, 7 and 8 wait for a decision, 11 and 12 are new.
  EXPECT_EQ(records.size(), 11u) << records.dump();
  EXPECT_EQ(user.get(record_path(sid, tid, rid.at(6))).status, 404) << "a clean record gone at the source";
  EXPECT_EQ(count_by(records, "id", 6), 0);
  for (int n : {11, 12}) {
    const json r = find_by(records, "id", n);
    ASSERT_FALSE(r.is_null());
    EXPECT_EQ(r.value("state", ""), "synced");
    EXPECT_EQ(str(r["remote_id"]), std::to_string(n));
    EXPECT_EQ(r["values"]["name"], "New " + std::to_string(n));
  }

  {  // An edited field keeps the edit; the field the source changed takes the new value.
    const json r = rec(1);
    EXPECT_EQ(r["values"]["name"], "L1") << r.dump();
    EXPECT_EQ(r["values"]["price"], 100) << r.dump();
    EXPECT_EQ(r["downloaded"]["price"], 100) << r.dump();
    EXPECT_EQ(r["downloaded"]["name"], "Item 1") << r.dump();
    EXPECT_EQ(r["edits"], json({{"name", "L1"}})) << r.dump();
    EXPECT_EQ(r.value("conflicts", json::object()), json::object()) << r.dump();
    EXPECT_EQ(r.value("state", ""), "edited");
  }
  for (int n : {2, 3, 9}) {  // Changed on both sides: a conflict with all three values.
    const json r = rec(n);
    const std::string local = "L" + std::to_string(n), remote = "R" + std::to_string(n);
    ASSERT_TRUE(r.contains("conflicts") && r["conflicts"].contains("name")) << r.dump();
    EXPECT_EQ(r["conflicts"]["name"],
              json({{"local", local}, {"remote", remote}, {"base", "Item " + std::to_string(n)}}))
        << r.dump();
    EXPECT_EQ(r["values"]["name"], local) << "the edit is not lost: " << r.dump();
  }
  {  // Both sides made the same change: nothing left to publish.
    const json r = rec(4);
    EXPECT_EQ(r["values"]["qty"], 444) << r.dump();
    EXPECT_EQ(r.value("edits", json::object()), json::object()) << r.dump();
    EXPECT_EQ(r.value("conflicts", json::object()), json::object()) << r.dump();
    EXPECT_EQ(r.value("state", ""), "synced") << r.dump();
  }
  {  // A clean record takes the new remote values.
    const json r = rec(5);
    EXPECT_EQ(r["values"]["name"], "R5") << r.dump();
    EXPECT_EQ(r["values"]["price"], 55) << r.dump();
    EXPECT_EQ(r.value("state", ""), "synced") << r.dump();
  }
  for (int n : {7, 8}) {  // Edited here, deleted there: kept and flagged.
    const json r = rec(n);
    EXPECT_EQ(r.value("remote_deleted", false), true) << r.dump();
    EXPECT_EQ(r["values"]["note"], "L" + std::to_string(n)) << r.dump();
  }
  {
    const json r = rec(10);
    EXPECT_EQ(r.value("state", ""), "synced");
    EXPECT_EQ(r["values"]["name"], "Item 10");
  }
  const json table = user.get_ok(table_path(sid, tid));
  EXPECT_EQ(table.value("conflict_count", -1), 3) << table.dump();
  EXPECT_EQ(table.value("record_count", -1), 11) << table.dump();

  // Resolving: take the source's value.
  {
    const json r =
        user.post_ok(record_path(sid, tid, rid.at(3)) + "/resolve", {{"fields", {{"name", "remote"}}}});
    const json now = rec(3);
    EXPECT_EQ(now["values"]["name"], "R3") << r.dump() << now.dump();
    EXPECT_EQ(now.value("edits", json::object()), json::object()) << now.dump();
    EXPECT_EQ(now.value("conflicts", json::object()), json::object()) << now.dump();
    EXPECT_EQ(now.value("state", ""), "synced") << now.dump();
  }
  // Keep the local edit: the source's value becomes the base.
  {
    user.post_ok(record_path(sid, tid, rid.at(9)) + "/resolve", {{"fields", {{"name", "local"}}}});
    const json now = rec(9);
    EXPECT_EQ(now["values"]["name"], "L9") << now.dump();
    EXPECT_EQ(now["edits"], json({{"name", "L9"}})) << now.dump();
    EXPECT_EQ(now["downloaded"]["name"], "R9") << now.dump();
    EXPECT_EQ(now.value("conflicts", json::object()), json::object()) << now.dump();
    EXPECT_EQ(now.value("state", ""), "edited") << now.dump();
  }
  user.post_ok(record_path(sid, tid, rid.at(7)) + "/resolve", {{"remote_deleted", "recreate"}});
  user.post_ok(record_path(sid, tid, rid.at(8)) + "/resolve", {{"remote_deleted", "discard"}});
  EXPECT_EQ(user.get(record_path(sid, tid, rid.at(8))).status, 404) << "discarded";
  EXPECT_FALSE(rec(7).value("remote_deleted", true)) << rec(7).dump();
  EXPECT_EQ(user.get_ok(table_path(sid, tid)).value("conflict_count", -1), 1);

  // The plan skips the record that still has a conflict.
  const json plan = full_plan(user, sid);
  EXPECT_TRUE(ops_for(plan, rid.at(2)).empty()) << plan.dump();
  bool skipped2 = false;
  for (const auto& s : plan["skipped"]) {
    if (str(s.at("record_id")) == rid.at(2)) {
      skipped2 = true;
      EXPECT_FALSE(s.value("reason", "").empty()) << s.dump();
    }
  }
  EXPECT_TRUE(skipped2) << plan.dump();
  EXPECT_EQ(counts_for(plan, tid).value("skipped", -1), 1) << plan.dump();
  EXPECT_EQ(counts_for(plan, tid).value("updates", -1), 2) << plan.dump();  // 1 and 9
  EXPECT_EQ(counts_for(plan, tid).value("creates", -1), 1) << plan.dump();  // 7, recreated
  ASSERT_EQ(ops_for(plan, rid.at(1)).size(), 1u) << plan.dump();
  EXPECT_EQ(ops_for(plan, rid.at(1))[0]["fields"], json({{"name", "L1"}}));
  ASSERT_EQ(ops_for(plan, rid.at(9)).size(), 1u) << plan.dump();
  EXPECT_EQ(ops_for(plan, rid.at(9))[0]["fields"], json({{"name", "L9"}}));
  ASSERT_EQ(ops_for(plan, rid.at(7)).size(), 1u) << plan.dump();
  EXPECT_EQ(ops_for(plan, rid.at(7))[0]["op"], "create");

  const json job = publish(user, sid);
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump();
  auto src = index_rows(source_rows("SELECT * FROM items"), "id");
  EXPECT_EQ(src.at("1")["name"], "L1");
  EXPECT_EQ(src.at("1")["price"], 100);
  EXPECT_EQ(src.at("2")["name"], "R2") << "a conflicted record is not published";
  EXPECT_EQ(src.at("3")["name"], "R3");
  EXPECT_EQ(src.at("9")["name"], "L9");
  EXPECT_EQ(src.count("8"), 0u);
  EXPECT_EQ(src.count("6"), 0u);
  EXPECT_EQ(source_rows("SELECT count(*)::int AS n FROM items WHERE note = 'L7'")[0]["n"], 1)
      << "the recreated record is created once";
  EXPECT_EQ(source_rows("SELECT count(*)::int AS n FROM items")[0]["n"], 10);  // 1-5, 9-12, recreated 7
  {
    const json r2 = rec(2);
    EXPECT_EQ(r2["edits"], json({{"name", "L2"}})) << r2.dump();
    EXPECT_TRUE(r2["conflicts"].contains("name")) << r2.dump();
    const json r7 = rec(7);
    EXPECT_EQ(r7.value("state", ""), "synced") << r7.dump();
    EXPECT_FALSE(r7["remote_id"].is_null()) << r7.dump();
    const json r9 = rec(9);
    EXPECT_EQ(r9.value("state", ""), "synced") << r9.dump();
  }

  // Once resolved, it is published.
  user.post_ok(record_path(sid, tid, rid.at(2)) + "/resolve", {{"fields", {{"name", "local"}}}});
  EXPECT_TRUE(full_plan(user, sid)["skipped"].empty());
  ASSERT_EQ(publish(user, sid).value("state", ""), "succeeded");
  src = index_rows(source_rows("SELECT * FROM items"), "id");
  EXPECT_EQ(src.at("2")["name"], "L2");
  records = all_records(user, sid, tid);
  EXPECT_EQ(records.size(), 10u);
  for (const auto& r : records) {
    EXPECT_EQ(r.value("state", ""), "synced") << r.dump();
    EXPECT_EQ(r.value("conflicts", json::object()), json::object()) << r.dump();
  }
}

}  // namespace
}  // namespace scratch::test

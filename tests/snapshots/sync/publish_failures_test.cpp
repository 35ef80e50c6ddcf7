// Publishing when the source refuses some records: per-record failures keep their edits and get
// publish_error while the rest is published; a batch refused as a whole (a deferred constraint fails at
// COMMIT) is retried one record at a time so the good records of that batch still get through.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "snapshots/snapshot_fixture.hpp"
#include "snapshots/sync/sync_helpers.hpp"

namespace scratch::test {
namespace {

using namespace sync;

class PublishFailures : public SnapshotTest {};

std::set<std::string> failed_record_ids(const json& result) {
  std::set<std::string> out;
  for (const auto& f : result.value("failures", json::array()))
    out.insert(str(f.at("record_id")));
  return out;
}

TEST_F(PublishFailures, RecordsTheSourceRefusesKeepTheirEditsAndTheRestIsPublished) {
  source_exec(R"sql(
    CREATE TABLE parts (
      id    serial PRIMARY KEY,
      sku   text NOT NULL UNIQUE,
      name  text NOT NULL,
      price numeric NOT NULL CHECK (price >= 0)
    );
    INSERT INTO parts (sku, name, price) SELECT 'P-' || i, 'Part ' || i, i FROM generate_series(1, 10) AS i;
  )sql");
  const std::string account = create_postgres_account(user);
  const std::string sid = create_snapshot(user);
  const std::string tid = add_table(user, sid, account, "public.parts").at("id");
  ASSERT_EQ(download(user, sid).value("state", ""), "succeeded");
  std::map<int, std::string> rid;
  for (const auto& r : all_records(user, sid, tid))
    rid[r["values"]["id"].get<int>()] = id_of(r);
  ASSERT_EQ(rid.size(), 10u);
  const auto path = [&](int n) { return record_path(sid, tid, rid.at(n)); };

  user.patch_ok(path(1), {{"values", {{"price", -5}}}});                    // CHECK fails
  user.patch_ok(path(2), {{"values", {{"sku", "P-3"}, {"name", "dup"}}}});  // UNIQUE fails
  for (int n = 3; n <= 6; ++n)
    user.patch_ok(path(n), {{"values", {{"name", "ok " + std::to_string(n)}}}});
  const std::string bad_create = id_of(user.post_ok(
      records_path(sid, tid), {{"values", {{"sku", "P-1"}, {"name", "dup"}, {"price", 1}}}}, 201));
  const std::string good_create = id_of(user.post_ok(
      records_path(sid, tid), {{"values", {{"sku", "P-NEW"}, {"name", "new"}, {"price", 2}}}}, 201));
  user.del(path(10));

  const json job = publish(user, sid);
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump();
  const json result = job["result"];
  EXPECT_EQ(result.value("status", ""), "completed_with_errors") << result.dump();
  EXPECT_EQ(failed_record_ids(result), (std::set<std::string>{rid.at(1), rid.at(2), bad_create}))
      << result.dump();
  for (const auto& f : result.value("failures", json::array())) {
    EXPECT_EQ(f.value("table_id", ""), tid) << f.dump();
    EXPECT_FALSE(f["error"].is_null()) << f.dump();
    const std::string expected_op = str(f["record_id"]) == bad_create ? "create" : "update";
    EXPECT_EQ(f.value("op", ""), expected_op) << f.dump();
  }
  EXPECT_EQ(succeeded_failed(result, "update"), json({{"succeeded", 4}, {"failed", 2}})) << result.dump();
  EXPECT_EQ(succeeded_failed(result, "create"), json({{"succeeded", 1}, {"failed", 1}})) << result.dump();
  EXPECT_EQ(succeeded_failed(result, "delete"), json({{"succeeded", 1}, {"failed", 0}})) << result.dump();

  // The source: the good changes only.
  const auto src = index_rows(source_rows("SELECT * FROM parts"), "id");
  EXPECT_EQ(src.at("1")["price"], 1);
  EXPECT_EQ(src.at("2")["sku"], "P-2");
  EXPECT_EQ(src.at("2")["name"], "Part 2") << "a failed update writes none of its fields";
  for (int n = 3; n <= 6; ++n)
    EXPECT_EQ(src.at(std::to_string(n))["name"], "ok " + std::to_string(n));
  EXPECT_EQ(src.count("10"), 0u);
  EXPECT_EQ(source_rows("SELECT count(*)::int AS n FROM parts WHERE sku = 'P-NEW'")[0]["n"], 1);
  EXPECT_EQ(source_rows("SELECT count(*)::int AS n FROM parts WHERE sku = 'P-1'")[0]["n"], 1);

  // The snapshot: failures keep their edits and say why; the rest is synced.
  for (const std::string& id : {rid.at(1), rid.at(2), bad_create}) {
    const json r = user.get_ok(record_path(sid, tid, id));
    ASSERT_TRUE(r["publish_error"].is_object()) << r.dump();
    EXPECT_FALSE(r["publish_error"].value("code", "").empty()) << r.dump();
    EXPECT_FALSE(r["publish_error"].value("message", "").empty()) << r.dump();
    EXPECT_NE(r.value("state", ""), "synced") << r.dump();
  }
  EXPECT_EQ(user.get_ok(path(1))["edits"], json({{"price", -5}}));
  EXPECT_EQ(user.get_ok(path(2))["edits"], json({{"sku", "P-3"}, {"name", "dup"}}));
  const json bad = user.get_ok(record_path(sid, tid, bad_create));
  EXPECT_EQ(bad.value("state", ""), "created") << bad.dump();
  EXPECT_TRUE(bad["remote_id"].is_null()) << bad.dump();
  for (int n = 3; n <= 6; ++n) {
    const json r = user.get_ok(path(n));
    EXPECT_EQ(r.value("state", ""), "synced") << r.dump();
    EXPECT_TRUE(r["publish_error"].is_null()) << r.dump();
  }
  const json good = user.get_ok(record_path(sid, tid, good_create));
  EXPECT_EQ(good.value("state", ""), "synced") << good.dump();
  EXPECT_FALSE(good["remote_id"].is_null()) << good.dump();
  const json errors = user.get_ok(records_path(sid, tid) + "?filter=" +
                                  "%7B%22field%22%3A%22%24has_error%22%2C%22op%22%3A%22eq%22%2C"
                                  "%22value%22%3Atrue%7D");
  EXPECT_EQ(errors["items"].size(), 3u) << errors.dump();

  // Fix one and publish again: it goes through and its error is cleared; the others fail again.
  user.patch_ok(path(1), {{"values", {{"price", 5}}}});
  const json again = publish(user, sid);
  ASSERT_EQ(again.value("state", ""), "succeeded") << again.dump();
  EXPECT_EQ(failed_record_ids(again["result"]), (std::set<std::string>{rid.at(2), bad_create}))
      << again.dump();
  EXPECT_EQ(source_rows("SELECT price::int AS p FROM parts WHERE id = 1")[0]["p"], 5);
  const json r1 = user.get_ok(path(1));
  EXPECT_EQ(r1.value("state", ""), "synced") << r1.dump();
  EXPECT_TRUE(r1["publish_error"].is_null()) << r1.dump();
}

TEST_F(PublishFailures, ABatchRefusedAsAWholeIsRetriedOneRecordAtATime) {
  // A deferred UNIQUE constraint is checked at COMMIT, so one duplicate fails the connector's whole call.
  source_exec(R"sql(
    CREATE TABLE gadgets (
      id   serial PRIMARY KEY,
      code text NOT NULL,
      name text NOT NULL,
      CONSTRAINT gadgets_code_unique UNIQUE (code) DEFERRABLE INITIALLY DEFERRED
    );
    INSERT INTO gadgets (code, name) SELECT 'G-' || i, 'Gadget ' || i FROM generate_series(1, 40) AS i;
  )sql");
  const std::string account = create_postgres_account(user);
  const std::string sid = create_snapshot(user);
  const std::string tid = add_table(user, sid, account, "public.gadgets").at("id");
  ASSERT_EQ(download(user, sid).value("state", ""), "succeeded");
  std::map<int, std::string> rid;
  for (const auto& r : all_records(user, sid, tid))
    rid[r["values"]["id"].get<int>()] = id_of(r);
  ASSERT_EQ(rid.size(), 40u);

  // One batch of 40 updates (max_write_batch is 500) with one duplicate in the middle.
  for (int n = 1; n <= 40; ++n) {
    json values = {{"name", "renamed " + std::to_string(n)}};
    if (n == 17) values["code"] = "G-18";
    user.patch_ok(record_path(sid, tid, rid.at(n)), {{"values", values}});
  }
  // One batch of creates with one duplicate.
  std::vector<std::string> good_creates;
  for (int n = 1; n <= 5; ++n) {
    good_creates.push_back(id_of(user.post_ok(
        records_path(sid, tid), {{"values", {{"code", "NEW-" + std::to_string(n)}, {"name", "new"}}}}, 201)));
  }
  const std::string bad_create =
      id_of(user.post_ok(records_path(sid, tid), {{"values", {{"code", "G-7"}, {"name", "dup"}}}}, 201));

  const json job = publish(user, sid);
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump();
  const json result = job["result"];
  EXPECT_EQ(result.value("status", ""), "completed_with_errors") << result.dump();
  EXPECT_EQ(failed_record_ids(result), (std::set<std::string>{rid.at(17), bad_create})) << result.dump();
  EXPECT_EQ(succeeded_failed(result, "update"), json({{"succeeded", 39}, {"failed", 1}})) << result.dump();
  EXPECT_EQ(succeeded_failed(result, "create"), json({{"succeeded", 5}, {"failed", 1}})) << result.dump();

  // The good records of the refused batches are in the source, once each.
  const auto src = index_rows(source_rows("SELECT * FROM gadgets"), "id");
  for (int n = 1; n <= 40; ++n) {
    if (n == 17) continue;
    EXPECT_EQ(src.at(std::to_string(n))["name"], "renamed " + std::to_string(n)) << n;
  }
  EXPECT_EQ(src.at("17")["code"], "G-17");
  EXPECT_EQ(src.at("17")["name"], "Gadget 17") << "the refused record's fields are all unwritten";
  EXPECT_EQ(source_rows("SELECT count(*)::int AS n FROM gadgets WHERE code LIKE 'NEW-%'")[0]["n"], 5);
  EXPECT_EQ(source_rows("SELECT count(DISTINCT code)::int AS n FROM gadgets WHERE code LIKE 'NEW-%'")[0]["n"],
            5);
  EXPECT_EQ(source_rows("SELECT count(*)::int AS n FROM gadgets WHERE code = 'G-7'")[0]["n"], 1);
  EXPECT_EQ(source_rows("SELECT count(*)::int AS n FROM gadgets")[0]["n"], 45);

  // The snapshot agrees.
  for (const auto& id : good_creates) {
    const json r = user.get_ok(record_path(sid, tid, id));
    EXPECT_EQ(r.value("state", ""), "synced") << r.dump();
    EXPECT_FALSE(r["remote_id"].is_null()) << r.dump();
  }
  const json r17 = user.get_ok(record_path(sid, tid, rid.at(17)));
  EXPECT_TRUE(r17["publish_error"].is_object()) << r17.dump();
  EXPECT_EQ(r17["edits"], json({{"name", "renamed 17"}, {"code", "G-18"}})) << r17.dump();
  const json bad = user.get_ok(record_path(sid, tid, bad_create));
  EXPECT_TRUE(bad["publish_error"].is_object()) << bad.dump();
  EXPECT_TRUE(bad["remote_id"].is_null()) << bad.dump();
  EXPECT_EQ(user.get_ok(table_path(sid, tid)).value("dirty_count", -1), 2);
}

}  // namespace
}  // namespace scratch::test

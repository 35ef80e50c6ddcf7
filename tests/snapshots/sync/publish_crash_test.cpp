// kill -9 of scratchd in the middle of a publish with thousands of creates: after a restart the job is
// reclaimed once its lease expires and finishes; no create reaches the source twice, none is lost, and the
// ones whose outcome is unknown are flagged ambiguous_create, which the owner resolves.
#include <gtest/gtest.h>

#include <csignal>
#include <iostream>
#include <set>
#include <string>

#include "snapshots/snapshot_fixture.hpp"
#include "snapshots/sync/sync_helpers.hpp"

namespace scratch::test {
namespace {

using namespace sync;

class PublishCrash : public SnapshotTest {};

constexpr int kCreates = 3000;

std::string key_of(int n) {
  return "k" + std::to_string(n);
}

TEST_F(PublishCrash, KillNineDuringCreatesNeitherDuplicatesNorLosesRecords) {
  // No UNIQUE on ukey, so a duplicate create would show. The trigger slows each insert a little so the
  // publish (6 batches of 500) is surely in the middle of a connector call when it is killed.
  source_exec(R"sql(
    CREATE TABLE bulk (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, ukey text NOT NULL, n integer);
    CREATE FUNCTION slow_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN PERFORM pg_sleep(0.002); RETURN NEW; END $$;
    CREATE TRIGGER bulk_slow BEFORE INSERT ON bulk FOR EACH ROW EXECUTE FUNCTION slow_insert();
  )sql");
  const std::string account = create_postgres_account(user);
  const std::string sid = create_snapshot(user);
  const std::string tid = add_table(user, sid, account, "public.bulk").at("id");
  ASSERT_EQ(download(user, sid).value("state", ""), "succeeded");

  // 3000 local creates: suggested in a few calls, then accepted at once.
  for (int start = 0; start < kCreates; start += 500) {
    json creates = json::array();
    for (int n = start; n < start + 500; ++n)
      creates.push_back({{"values", {{"ukey", key_of(n)}, {"n", n}}}});
    const auto r = user.post(snap_path(sid) + "/suggestions", {{"table_id", tid}, {"creates", creates}});
    ASSERT_TRUE(r.status == 200 || r.status == 201) << r.status << " " << r.body.substr(0, 500);
  }
  const json accepted = user.post_ok(snap_path(sid) + "/suggestions/accept", {{"all", true}});
  ASSERT_EQ(accepted.value("accepted", 0), kCreates) << accepted.dump();
  const json table = user.get_ok(table_path(sid, tid));
  ASSERT_EQ(table.value("dirty_count", -1), kCreates) << table.dump();
  EXPECT_EQ(counts_for(full_plan(user, sid, "op=create"), tid).value("creates", -1), kCreates);

  // Publish, and kill the server once some but not all creates are done, while the connector is in the
  // middle of a write call (its transaction is open at the source).
  const json started = user.post_ok(snap_path(sid) + "/publish", json::object(), 202);
  const std::string job_id = job_id_of(started);
  ASSERT_FALSE(job_id.empty()) << started.dump();
  json seen;
  const auto writing_now = [&] {
    return source_rows(
               "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND "
               "application_name = 'scratch' AND xact_start IS NOT NULL")[0]["n"]
               .get<int>() > 0;
  };
  const bool midway = wait_until(
      [&] {
        seen = get_job(user, job_id);
        const long long done = progress_done(seen);
        return job_finished(seen) || (done > 0 && done < kCreates && writing_now());
      },
      60s, 10ms);
  ASSERT_TRUE(midway) << seen.dump();
  ASSERT_FALSE(job_finished(seen)) << "the publish finished before it could be killed: " << seen.dump();
  server_->send_signal(SIGKILL);
  ASSERT_TRUE(wait_until([&] { return !server_->running(); }, 10s));
  const int in_source_at_kill = source_rows("SELECT count(*)::int AS n FROM bulk")[0]["n"].get<int>();
  EXPECT_LT(in_source_at_kill, kCreates);

  // A new server reclaims the job after its lease and finishes it.
  restart_server();
  const json job = wait_job(user, job_id, 120s);
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump();
  EXPECT_GE(job.value("attempts", 0), 2) << job.dump();

  // No duplicates at the source.
  const json dups =
      source_rows("SELECT ukey, count(*)::int AS n FROM bulk GROUP BY ukey HAVING count(*) > 1");
  EXPECT_TRUE(dups.empty()) << dups.dump().substr(0, 1000);

  // Every local create is published exactly once, or flagged; none is lost.
  const auto source_by_key = index_rows(source_rows("SELECT id, ukey FROM bulk"), "ukey");
  json records = all_records(user, sid, tid);
  ASSERT_EQ(records.size(), static_cast<std::size_t>(kCreates));
  std::set<std::string> keys;
  std::vector<json> ambiguous;
  int synced = 0;
  for (const auto& r : records) {
    const std::string key = r["values"]["ukey"];
    keys.insert(key);
    if (r.value("ambiguous_create", false)) {
      ambiguous.push_back(r);
      EXPECT_TRUE(r["remote_id"].is_null()) << r.dump();
      continue;
    }
    ++synced;
    EXPECT_EQ(r.value("state", ""), "synced") << r.dump();
    ASSERT_EQ(source_by_key.count(key), 1u) << "published but not in the source: " << r.dump();
    EXPECT_EQ(str(r["remote_id"]), str(source_by_key.at(key)["id"])) << r.dump();
  }
  EXPECT_EQ(keys.size(), static_cast<std::size_t>(kCreates)) << "a record was lost or doubled locally";
  // Rows the source has belong to synced records, or to ambiguous ones (the source may have them).
  for (const auto& [key, row] : source_by_key)
    EXPECT_EQ(keys.count(key), 1u) << key;
  EXPECT_FALSE(ambiguous.empty()) << "a create batch was in flight at the kill, so its outcome is unknown";
  EXPECT_LE(ambiguous.size(), 500u) << "only the batch in flight (max_write_batch 500) is in doubt";
  std::cout << "[ info ] " << ambiguous.size() << " ambiguous creates, " << in_source_at_kill
            << " rows in the source at the kill, job attempts " << job.value("attempts", 0) << "\n";
  EXPECT_EQ(synced + static_cast<int>(ambiguous.size()), kCreates);
  const json plan = full_plan(user, sid);
  EXPECT_EQ(counts_for(plan, tid).value("skipped", -1), static_cast<long long>(ambiguous.size()))
      << plan["counts"];
  for (const auto& r : ambiguous) {
    EXPECT_TRUE(ops_for(plan, id_of(r)).empty())
        << "an ambiguous create is never sent on its own: " << r.dump();
  }

  // Resolve: link one to a row the source has, discard one, retry the rest.
  ASSERT_GE(ambiguous.size(), 1u);
  std::string discarded_key;
  int linked = 0;
  for (std::size_t i = 0; i < ambiguous.size(); ++i) {
    const json& r = ambiguous[i];
    const std::string key = r["values"]["ukey"];
    const std::string path = record_path(sid, tid, id_of(r)) + "/resolve";
    if (source_by_key.count(key)) {  // the source did get it
      user.post_ok(path, {{"ambiguous_create", {{"remote_id", str(source_by_key.at(key)["id"])}}}});
      ++linked;
    } else if (i == 0) {  // pretend the source got it: insert it there, then link the record to that row
      source_exec("INSERT INTO bulk (ukey, n) VALUES ('" + key + "', " +
                  std::to_string(r["values"]["n"].get<int>()) + ")");
      const json row = source_rows("SELECT id FROM bulk WHERE ukey = '" + key + "'");
      ASSERT_EQ(row.size(), 1u);
      user.post_ok(path, {{"ambiguous_create", {{"remote_id", str(row[0]["id"])}}}});
      const json linked_record = user.get_ok(record_path(sid, tid, id_of(r)));
      EXPECT_EQ(linked_record.value("state", ""), "synced") << linked_record.dump();
      EXPECT_EQ(str(linked_record["remote_id"]), str(row[0]["id"])) << linked_record.dump();
      EXPECT_FALSE(linked_record.value("ambiguous_create", true)) << linked_record.dump();
      ++linked;
    } else if (i == 1) {
      const auto resolved = user.post(path, {{"ambiguous_create", "discard"}});
      EXPECT_EQ(resolved.status, 200) << resolved.body;
      EXPECT_EQ(user.get(record_path(sid, tid, id_of(r))).status, 404) << "discarded";
      discarded_key = key;
    } else {
      user.post_ok(path, {{"ambiguous_create", "retry"}});
    }
  }
  const json retried = publish(user, sid, 120s);
  ASSERT_EQ(retried.value("state", ""), "succeeded") << retried.dump();
  EXPECT_EQ(retried["result"].value("status", ""), "completed") << retried.dump();

  // Now every record is in the source exactly once (the discarded one nowhere).
  const json counts = source_rows("SELECT ukey, count(*)::int AS n FROM bulk GROUP BY ukey");
  std::map<std::string, int> per_key;
  for (const auto& c : counts)
    per_key[c["ukey"]] = c["n"];
  const int expected_rows = kCreates - (discarded_key.empty() ? 0 : 1);
  EXPECT_EQ(static_cast<int>(per_key.size()), expected_rows);
  for (int n = 0; n < kCreates; ++n) {
    const std::string key = key_of(n);
    if (key == discarded_key) {
      EXPECT_EQ(per_key.count(key), 0u) << key;
    } else {
      EXPECT_EQ(per_key.count(key) ? per_key[key] : 0, 1) << key;
    }
  }
  records = all_records(user, sid, tid);
  EXPECT_EQ(static_cast<int>(records.size()), expected_rows);
  int not_synced = 0;
  for (const auto& r : records) {
    if (r.value("state", "") != "synced" || r.value("ambiguous_create", false) || r["remote_id"].is_null()) {
      if (++not_synced <= 5) ADD_FAILURE() << "not synced: " << r.dump();
    }
  }
  EXPECT_EQ(not_synced, 0);
  EXPECT_EQ(user.get_ok(table_path(sid, tid)).value("dirty_count", -1), 0);
}

}  // namespace
}  // namespace scratch::test

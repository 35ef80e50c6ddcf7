// Download jobs on larger tables: progress while it runs (job progress and the snapshot's event stream),
// the snapshot is busy meanwhile, and cancelling leaves complete records that a later download converges.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "snapshots/snapshot_fixture.hpp"
#include "snapshots/sync/sync_helpers.hpp"
#include "support/sse_client.hpp"

namespace scratch::test {
namespace {

using namespace sync;

class DownloadJobs : public SnapshotTest {
 protected:
  // Rows whose every value follows from the id, so a record can be checked on its own.
  void make_big_table(int rows) {
    source_exec(
        "CREATE TABLE big (id integer PRIMARY KEY, name text NOT NULL, triple integer NOT NULL, "
        "flag boolean NOT NULL, pad text NOT NULL);"
        "INSERT INTO big SELECT i, 'row-' || i, i * 3, i % 2 = 0, repeat('x', 40) || i "
        "FROM generate_series(1, " +
        std::to_string(rows) + ") AS i;");
  }
};

// A record is complete when each field has the value the source row had when it was read.
::testing::AssertionResult complete(const json& r, const std::string& name_suffix = "") {
  const json& v = r.at("values");
  if (!v.contains("id") || !v["id"].is_number_integer())
    return ::testing::AssertionFailure() << "no id: " << r.dump();
  const int id = v["id"];
  const json expected = {{"id", id},
                         {"name", "row-" + std::to_string(id) + name_suffix},
                         {"triple", id * 3},
                         {"flag", id % 2 == 0},
                         {"pad", std::string(40, 'x') + std::to_string(id)}};
  if (v != expected) return ::testing::AssertionFailure() << r.dump() << " expected " << expected.dump();
  if (str(r.at("remote_id")) != std::to_string(id))
    return ::testing::AssertionFailure() << "remote_id: " << r.dump();
  if (r.value("state", "") != "synced") return ::testing::AssertionFailure() << "state: " << r.dump();
  return ::testing::AssertionSuccess();
}

TEST_F(DownloadJobs, CancelledDownloadKeepsCompleteRecordsAndALaterDownloadConverges) {
  constexpr int kRows = 50000;
  make_big_table(kRows);
  const std::string account = create_postgres_account(user);
  const std::string sid = create_snapshot(user);
  const std::string tid = add_table(user, sid, account, "public.big").at("id");

  const std::string job_id = job_id_of(user.post_ok(snap_path(sid) + "/download", json::object(), 202));
  ASSERT_FALSE(job_id.empty());
  json seen;
  ASSERT_TRUE(wait_until(
      [&] {
        seen = get_job(user, job_id);
        return job_finished(seen) || progress_done(seen) > 0;
      },
      60s, 10ms))
      << seen.dump();
  ASSERT_FALSE(job_finished(seen)) << "the download finished before it could be cancelled: " << seen.dump();
  const auto cancel = user.post("/api/v1/jobs/" + job_id + "/cancel");
  ASSERT_TRUE(cancel.status == 200 || cancel.status == 202) << cancel.body;
  const json cancelled = wait_job(user, job_id);
  EXPECT_EQ(cancelled.value("state", ""), "cancelled") << cancelled.dump();

  // What was stored is whole records, fewer than the table has.
  json records = all_records(user, sid, tid);
  EXPECT_GT(records.size(), 0u);
  EXPECT_LT(records.size(), static_cast<std::size_t>(kRows)) << "cancel stops between pages";
  std::set<int> ids;
  int bad = 0;
  for (const auto& r : records) {
    const auto ok = complete(r);
    if (!ok && ++bad <= 5) ADD_FAILURE() << ok.message();
    if (r["values"].contains("id")) ids.insert(r["values"]["id"].get<int>());
  }
  EXPECT_EQ(bad, 0);
  EXPECT_EQ(ids.size(), records.size()) << "a row stored twice";
  const json table = user.get_ok(table_path(sid, tid));
  EXPECT_EQ(table.value("record_count", -1), static_cast<long long>(records.size())) << table.dump();

  // The snapshot is free again; the source moves on; a new download converges on it.
  source_exec(
      "UPDATE big SET name = name || '-v2' WHERE id % 1000 = 1;"
      "DELETE FROM big WHERE id % 1000 = 2;");
  const json done = download(user, sid, 120s);
  ASSERT_EQ(done.value("state", ""), "succeeded") << done.dump();
  const int expected_rows = kRows - kRows / 1000;
  records = all_records(user, sid, tid);
  EXPECT_EQ(records.size(), static_cast<std::size_t>(expected_rows));
  ids.clear();
  bad = 0;
  for (const auto& r : records) {
    const int id = r["values"].value("id", 0);
    const auto ok = complete(r, id % 1000 == 1 ? "-v2" : "");
    if (!ok && ++bad <= 5) ADD_FAILURE() << ok.message();
    if (id % 1000 == 2 && ++bad <= 5) ADD_FAILURE() << "deleted at the source: " << r.dump();
    ids.insert(id);
  }
  EXPECT_EQ(bad, 0);
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(expected_rows));
  EXPECT_EQ(user.get_ok(table_path(sid, tid)).value("record_count", -1), expected_rows);
  EXPECT_EQ(user.get_ok(records_path(sid, tid) + "?limit=1&include_total=true").value("total", -1),
            expected_rows);
}

TEST_F(DownloadJobs, ProgressIsReportedOnTheJobAndTheEventStream) {
  constexpr int kRows = 20000;
  make_big_table(kRows);
  const std::string account = create_postgres_account(user);
  const std::string sid = create_snapshot(user);
  const std::string tid = add_table(user, sid, account, "public.big").at("id");

  SseClient events(server_->port(), "/api/v1/snapshots/" + sid + "/events", user.token);
  ASSERT_EQ(events.status(), 200) << events.body_if_not_stream();

  const std::string job_id = job_id_of(user.post_ok(snap_path(sid) + "/download", json::object(), 202));
  ASSERT_FALSE(job_id.empty());
  std::vector<long long> done_values;
  json job;
  ASSERT_TRUE(wait_until(
      [&] {
        job = get_job(user, job_id);
        const long long d = progress_done(job);
        if (d > 0 && (done_values.empty() || done_values.back() != d)) done_values.push_back(d);
        return job_finished(job);
      },
      60s, 10ms));
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump();
  EXPECT_EQ(job["type"], "snapshot.download");
  ASSERT_FALSE(done_values.empty()) << job.dump();
  for (std::size_t i = 1; i < done_values.size(); ++i)
    EXPECT_GT(done_values[i], done_values[i - 1]);
  EXPECT_GE(done_values.size(), 2u) << "progress grew while the download ran (seen: " << done_values.size()
                                    << " values) " << job.dump();
  EXPECT_GE(progress_done(job), kRows) << "the final progress counts every record: " << job.dump();
  // The PostgreSQL connector gives the table's size with its first page, so progress has a total.
  EXPECT_EQ(progress_total(job), kRows) << job.dump();
  EXPECT_EQ(user.get_ok(table_path(sid, tid)).value("record_count", -1), kRows);

  // The stream saw the download: progress events and records.changed from the download. Drain until it is
  // quiet (heartbeats aside) for a while.
  int progress_events = 0, download_changes = 0, job_events = 0;
  long long changed_count = 0, last_records = 0;
  std::vector<std::string> kinds;
  const auto drain_deadline = std::chrono::steady_clock::now() + 20s;
  auto last_event = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() < drain_deadline &&
         std::chrono::steady_clock::now() - last_event < 3s) {
    const auto e = events.next(500ms);
    if (!e) {
      if (events.ended()) break;
      continue;
    }
    if (e->event == "comment") continue;
    last_event = std::chrono::steady_clock::now();
    kinds.push_back(e->event);
    const json body = json::parse(e->data, nullptr, false);
    const json data = body.is_object() && body.contains("data") ? body["data"] : body;
    if (e->event == "download.progress") {
      ++progress_events;
      EXPECT_EQ(data.value("table_id", ""), tid) << e->data;
      const long long records = data.value("records", 0LL);
      EXPECT_GT(records, last_records) << "download.progress counts grow: " << e->data;
      last_records = records;
    }
    if (e->event == "records.changed" && data.is_object() && data.value("source", "") == "download") {
      ++download_changes;
      changed_count += data.value("count", 0LL);
      EXPECT_EQ(data.value("table_id", ""), tid) << e->data;
      EXPECT_LE(data.value("record_ids", json::array()).size(), 100u) << e->data;
    }
    if (e->event == "table.changed" && data.value("change", "") == "downloaded" &&
        data.value("table_id", "") == tid)
      ++job_events;
  }
  const std::string seen_kinds = json(kinds).dump().substr(0, 2000);
  EXPECT_GE(progress_events, 2) << "a download.progress per page; kinds: " << seen_kinds;
  EXPECT_EQ(last_records, kRows) << seen_kinds;
  EXPECT_GE(download_changes, 1) << seen_kinds;
  EXPECT_EQ(changed_count, kRows) << seen_kinds;
  // docs/snapshots.md: the end of a table's download is a table.changed event with change "downloaded".
  EXPECT_EQ(job_events, 1) << "no table.changed/downloaded on the snapshot's stream; kinds: " << seen_kinds;
}

TEST_F(DownloadJobs, PublishOrDownloadWhileADownloadRunsIsSnapshotBusy) {
  make_big_table(20000);
  const std::string account = create_postgres_account(user);
  const std::string sid = create_snapshot(user);
  add_table(user, sid, account, "public.big");

  const std::string job_id = job_id_of(user.post_ok(snap_path(sid) + "/download", json::object(), 202));
  ASSERT_FALSE(job_id.empty());
  const auto publish_busy = user.post(snap_path(sid) + "/publish");
  const auto download_busy = user.post(snap_path(sid) + "/download");
  const json job_then = get_job(user, job_id);
  ASSERT_FALSE(job_finished(job_then)) << "the download ended before the check: " << job_then.dump();
  expect_problem(publish_busy, 409, "snapshot_busy");
  expect_problem(download_busy, 409, "snapshot_busy");

  // Once it is over, publishing is allowed again.
  const json job = wait_job(user, job_id);
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump();
  const json pub = publish(user, sid);
  EXPECT_EQ(pub.value("state", ""), "succeeded") << pub.dump();
}

}  // namespace
}  // namespace scratch::test

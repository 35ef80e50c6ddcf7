// The job queue's guarantees with real PostgreSQL, worker threads and worker processes: exactly-once
// effects, reclaiming a killed worker's job, retry with backoff, cancel, the per-user cap, shutdown.
#include <gtest/gtest.h>
#include <signal.h>

#include <pqxx/pqxx>
#include <thread>

#include "db/migrator.hpp"
#include "db/transaction.hpp"
#include "jobs/cron_service.hpp"
#include "jobs/diagnostic_jobs.hpp"
#include "jobs/job_workers.hpp"
#include "support/scratchd_process.hpp"
#include "support/test_database.hpp"

namespace scratch::jobs {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class JobQueueTest : public ::testing::Test {
 protected:
  JobQueueTest() : pool_({db_.url(), 8, std::chrono::milliseconds(5000)}), queue_(pool_) {
    db::Migrator(db_.url(), db::embedded_migrations()).run();
    sql("CREATE TABLE diag_job_effects (job_id uuid NOT NULL, at timestamptz NOT NULL DEFAULT now())");
    add_diagnostic_jobs(registry_);
  }
  int count(const std::string& query) {
    return db::with_read(pool_, [&](pqxx::read_transaction& tx) { return tx.exec1(query)[0].as<int>(); });
  }
  void sql(const std::string& statement) {
    db::with_transaction(pool_, [&](pqxx::work& tx) { tx.exec(statement); });
  }
  std::string enqueue(const std::string& type, const json& payload, const std::string& user = "",
                      EnqueueOptions options = {}) {
    options.max_attempts = options.max_attempts == 5 ? registry_.at(type).max_attempts : options.max_attempts;
    return db::with_transaction(
        pool_, [&](pqxx::work& tx) { return JobQueue::enqueue(tx, type, user, payload, options); });
  }
  std::string user() {
    return db::with_transaction(pool_, [&](pqxx::work& tx) {
      return tx
          .exec1(
              "INSERT INTO users (email, password_hash) VALUES (gen_random_uuid() || '@x.io', 'x') RETURNING "
              "id::text")[0]
          .as<std::string>();
    });
  }
  std::string state(const std::string& id) {
    return db::with_read(pool_, [&](pqxx::read_transaction& tx) {
      return tx.exec_params1("SELECT state FROM jobs WHERE id = $1::uuid", id)[0].as<std::string>();
    });
  }
  template <typename P>
  bool eventually(P p, std::chrono::milliseconds limit = 20s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (p()) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }
  WorkerOptions fast(int threads, int cap = 4) { return {threads, 3s, 50ms, cap}; }

  test::TestDatabase db_;
  db::ConnectionPool pool_;
  JobQueue queue_;
  JobRegistry registry_;
};

TEST_F(JobQueueTest, EachJobTakesEffectExactlyOnceAcrossThreadsAndProcesses) {
  constexpr int kJobs = 400;
  for (int i = 0; i < kJobs; ++i)
    enqueue("diag.noop", {{"record_effect", true}});
  std::vector<std::unique_ptr<test::ScratchdProcess>> processes;
  for (int i = 0; i < 2; ++i) {
    test::ScratchdProcess::Options o;
    o.database_url = db_.url();
    o.args = {"serve", "--role", "worker"};
    o.env = {
        {"SCRATCH_DIAGNOSTIC_JOBS", "true"}, {"SCRATCH_WORKER_THREADS", "2"}, {"SCRATCH_LOG_LEVEL", "warn"}};
    processes.push_back(std::make_unique<test::ScratchdProcess>(o));
  }
  JobWorkers workers(pool_, registry_, fast(3));
  workers.start();
  ASSERT_TRUE(
      eventually([&] { return count("SELECT count(*) FROM jobs WHERE state = 'succeeded'") == kJobs; }, 60s));
  workers.stop();
  EXPECT_EQ(count("SELECT count(*) FROM diag_job_effects"), kJobs);
  EXPECT_EQ(count("SELECT count(DISTINCT job_id) FROM diag_job_effects"), kJobs);
  EXPECT_EQ(count("SELECT count(*) FROM jobs WHERE attempts <> 1"), 0);
}

TEST_F(JobQueueTest, AKilledWorkersJobIsReclaimedAfterItsLeaseAndCompletes) {
  test::ScratchdProcess::Options o;
  o.database_url = db_.url();
  o.args = {"serve", "--role", "worker"};
  o.env = {{"SCRATCH_DIAGNOSTIC_JOBS", "true"}, {"SCRATCH_JOB_LEASE_SECONDS", "3"}};
  auto doomed = std::make_unique<test::ScratchdProcess>(o);
  const std::string id = enqueue("diag.sleep", {{"steps", 30}, {"step_ms", 100}});
  ASSERT_TRUE(eventually([&] { return state(id) == "running"; }));
  doomed->send_signal(SIGKILL);
  doomed->stop();
  const auto killed_at = std::chrono::steady_clock::now();
  JobWorkers survivor(pool_, registry_, fast(1));
  survivor.start();
  // The reaper (cron) requeues it once the lease is past; the survivor finishes it.
  ASSERT_TRUE(eventually(
      [&] {
        queue_.reap_expired();
        return state(id) == "succeeded";
      },
      30s));
  survivor.stop();
  EXPECT_GE(std::chrono::steady_clock::now() - killed_at, 2s);  // not before the lease ran out
  EXPECT_EQ(count("SELECT attempts FROM jobs WHERE id = '" + id + "'"), 2);
}

TEST_F(JobQueueTest, RetryableFailuresBackOffThenSucceed) {
  const std::string id = enqueue("diag.fail", {{"fail_times", 2}, {"retryable", true}});
  const auto started = std::chrono::steady_clock::now();
  JobWorkers workers(pool_, registry_, fast(1));
  workers.start();
  ASSERT_TRUE(eventually([&] { return state(id) == "succeeded"; }));
  const auto took = std::chrono::steady_clock::now() - started;
  workers.stop();
  // Backoff: attempt 1 waits 100-200 ms, attempt 2 waits 200-400 ms (base 200 ms, full jitter above half).
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 5s);
  EXPECT_EQ(count("SELECT attempts FROM jobs WHERE id = '" + id + "'"), 3);
}

TEST_F(JobQueueTest, TerminalFailureKeepsTheLastError) {
  const std::string always = enqueue("diag.fail", {{"fail_times", 100}, {"retryable", true}});
  const std::string fatal = enqueue("diag.fail", {{"fail_times", 100}, {"retryable", false}});
  JobWorkers workers(pool_, registry_, fast(2));
  workers.start();
  ASSERT_TRUE(eventually([&] { return state(always) == "failed" && state(fatal) == "failed"; }));
  workers.stop();
  EXPECT_EQ(count("SELECT attempts FROM jobs WHERE id = '" + always + "'"), 4);
  EXPECT_EQ(count("SELECT attempts FROM jobs WHERE id = '" + fatal + "'"), 1);
  const auto error = db::with_read(pool_, [&](pqxx::read_transaction& tx) {
    return json::parse(
        tx.exec_params1("SELECT error::text FROM jobs WHERE id = $1::uuid", always)[0].as<std::string>());
  });
  EXPECT_EQ(error["code"], "diag_failure");
  EXPECT_NE(error["message"].get<std::string>().find("attempt 4"), std::string::npos);
}

TEST_F(JobQueueTest, CancelQueuedAtOnceAndRunningAtItsNextCheck) {
  const std::string owner = user();
  const std::string queued = enqueue("diag.sleep", {{"steps", 5}}, owner, {.delay = 60s});
  auto c = queue_.request_cancel(owner, queued);
  ASSERT_TRUE(c);
  EXPECT_EQ((*c)["state"], "cancelled");
  EXPECT_FALSE(queue_.request_cancel(user(), queued).has_value());  // not yours: as if it did not exist

  const std::string running = enqueue("diag.sleep", {{"steps", 200}, {"step_ms", 50}}, owner);
  JobWorkers workers(pool_, registry_, fast(1));
  workers.start();
  ASSERT_TRUE(eventually([&] { return state(running) == "running"; }));
  const auto asked = std::chrono::steady_clock::now();
  queue_.request_cancel(owner, running);
  ASSERT_TRUE(eventually([&] { return state(running) == "cancelled"; }, 5s));
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 2s);
  workers.stop();
}

TEST_F(JobQueueTest, PerUserCapKeepsOneUserFromStarvingOthers) {
  const std::string heavy = user(), light = user();
  for (int i = 0; i < 6; ++i)
    enqueue("diag.sleep", {{"steps", 6}, {"step_ms", 50}}, heavy, {.priority = 10});
  const std::string other = enqueue("diag.sleep", {{"steps", 1}, {"step_ms", 10}}, light);
  JobWorkers workers(pool_, registry_, fast(4, 2));
  workers.start();
  int most_running = 0;
  bool other_done_early = false;
  ASSERT_TRUE(eventually(
      [&] {
        most_running = std::max(
            most_running,
            count("SELECT count(*) FROM jobs WHERE state = 'running' AND user_id = '" + heavy + "'"));
        if (state(other) == "succeeded" &&
            count("SELECT count(*) FROM jobs WHERE user_id = '" + heavy + "' AND state = 'succeeded'") < 6) {
          other_done_early = true;
        }
        return count("SELECT count(*) FROM jobs WHERE state = 'succeeded'") == 7;
      },
      30s));
  workers.stop();
  EXPECT_LE(most_running, 2);
  EXPECT_GE(most_running, 1);
  EXPECT_TRUE(other_done_early);  // despite lower priority, the light user's job did not wait for all six
}

TEST_F(JobQueueTest, ShutdownHandsRunningJobsBackWithoutCountingTheAttempt) {
  const std::string id = enqueue("diag.sleep", {{"steps", 1000}, {"step_ms", 20}});
  {
    JobWorkers workers(pool_, registry_, fast(1));
    workers.start();
    ASSERT_TRUE(eventually([&] { return state(id) == "running"; }));
    workers.stop();
  }
  EXPECT_EQ(state(id), "queued");
  EXPECT_EQ(count("SELECT attempts FROM jobs WHERE id = '" + id + "'"), 0);
}

TEST_F(JobQueueTest, EachCronTickRunsOnceAcrossInstances) {
  CronTask task{"test.tick", 3600s, [] {}};
  CronService a(pool_, {}), b(pool_, {});
  std::atomic<int> taken{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      if ((i % 2 ? a : b).take_tick(task)) ++taken;
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(taken.load(), 1);
}

TEST_F(JobQueueTest, PruningRemovesOnlyOldFinishedJobs) {
  const std::string old_done = enqueue("diag.noop", json::object());
  const std::string fresh_done = enqueue("diag.noop", json::object());
  const std::string old_queued = enqueue("diag.noop", json::object());
  sql("UPDATE jobs SET state = 'succeeded', finished_at = now() - interval '10 days' WHERE id = '" +
      old_done + "'");
  sql("UPDATE jobs SET state = 'succeeded', finished_at = now() WHERE id = '" + fresh_done + "'");
  sql("UPDATE jobs SET created_at = now() - interval '10 days' WHERE id = '" + old_queued + "'");
  EXPECT_EQ(queue_.prune_finished(std::chrono::hours(24 * 7)), 1);
  EXPECT_EQ(count("SELECT count(*) FROM jobs"), 2);
}

TEST_F(JobQueueTest, EnqueueInsideARolledBackTransactionLeavesNoJob) {
  try {
    db::with_transaction(pool_, [&](pqxx::work& tx) {
      JobQueue::enqueue(tx, "diag.noop", "", json::object());
      throw std::runtime_error("the change failed");
    });
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(count("SELECT count(*) FROM jobs"), 0);
}

}  // namespace
}  // namespace scratch::jobs

// Benchmark: job queue throughput and event delivery latency, each reported against a baseline measured
// in the same run on the same database.
//   Queue: no-op jobs/s with 1, 2 and 4 worker threads, vs. the same number of bare single-row update
//          transactions/s with the same threads (the floor any PostgreSQL queue pays per job).
//   Events: commit-to-SSE-delivery latency (p50/p99) with 100 connected clients of a real scratchd, vs. raw
//          LISTEN/NOTIFY latency to one listener on the same database.
#include <pqxx/pqxx>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>

#include "db/migrator.hpp"
#include "db/transaction.hpp"
#include "events/event_log.hpp"
#include "jobs/diagnostic_jobs.hpp"
#include "jobs/job_workers.hpp"
#include "support/http_client.hpp"
#include "support/scratchd_process.hpp"
#include "support/sse_client.hpp"
#include "support/test_database.hpp"

using namespace scratch;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

long long now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now().time_since_epoch()).count();
}

double queue_jobs_per_second(db::ConnectionPool& pool, const jobs::JobRegistry& registry, int threads,
                             int n) {
  db::with_transaction(pool, [&](pqxx::work& tx) {
    tx.exec("DELETE FROM jobs");
    for (int i = 0; i < n; ++i)
      jobs::JobQueue::enqueue(tx, "diag.noop", "", json::object());
  });
  jobs::JobWorkers workers(pool, registry,
                           {threads, std::chrono::seconds(30), std::chrono::milliseconds(5), 4});
  const auto start = Clock::now();
  workers.start();
  for (;;) {
    const int left = db::with_read(pool, [](pqxx::read_transaction& tx) {
      return tx.exec1("SELECT count(*) FROM jobs WHERE state <> 'succeeded'")[0].as<int>();
    });
    if (left == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const double took = seconds_since(start);
  workers.stop();
  return n / took;
}

double baseline_tx_per_second(db::ConnectionPool& pool, int threads, int n) {
  db::with_transaction(pool, [&](pqxx::work& tx) {
    tx.exec(
        "DROP TABLE IF EXISTS bench_rows; CREATE TABLE bench_rows (id int PRIMARY KEY, n int NOT NULL "
        "DEFAULT 0)");
    tx.exec_params("INSERT INTO bench_rows (id) SELECT generate_series(1, $1)", n);
  });
  std::atomic<int> next{1};
  const auto start = Clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (int id = next++; id <= n; id = next++) {
        db::with_transaction(pool, [&](pqxx::work& tx) {
          tx.exec_params("UPDATE bench_rows SET n = n + 1 WHERE id = $1", id);
        });
      }
    });
  }
  for (auto& w : workers)
    w.join();
  return n / seconds_since(start);
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main() {
  test::TestDatabase database;
  db::Migrator(database.url(), db::embedded_migrations()).run();
  db::ConnectionPool pool({database.url(), 12, std::chrono::milliseconds(10000)});
  jobs::JobRegistry registry;
  jobs::add_diagnostic_jobs(registry);

  constexpr int kJobs = 3000;
  std::printf("== queue: %d no-op jobs\n", kJobs);
  std::printf("%-8s %12s %16s %8s\n", "threads", "jobs/s", "baseline tx/s", "ratio");
  for (int threads : {1, 2, 4}) {
    const double base = baseline_tx_per_second(pool, threads, kJobs);
    const double jobs_per_s = queue_jobs_per_second(pool, registry, threads, kJobs);
    std::printf("%-8d %12.0f %16.0f %8.2f\n", threads, jobs_per_s, base, jobs_per_s / base);
  }

  // Events: 100 SSE clients of one user on a real api instance.
  test::ScratchdProcess::Options options;
  options.database_url = database.url();
  options.args = {"serve", "--role", "api"};
  options.env = {{"SCRATCH_LOG_LEVEL", "warn"}, {"SCRATCH_HTTP_THREADS", "4"}};
  test::ScratchdProcess server(options);
  const auto signup = server.client().post_json(
      "/api/v1/auth/signup", {{"email", "bench@example.com"}, {"password", "bench password 1"}});
  const std::string token = signup.json()["access_token"];
  const std::string user = signup.json()["user"]["id"];
  constexpr int kClients = 100, kEvents = 200;
  std::vector<std::unique_ptr<test::SseClient>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<test::SseClient>(server.port(), "/api/v1/events", token));
    clients.back()->next(std::chrono::seconds(5));  // ": connected"
  }
  std::vector<double> latencies_ms;
  std::mutex mutex;
  std::vector<std::thread> readers;
  for (auto& client : clients) {
    readers.emplace_back([&, c = client.get()] {
      int seen = 0;
      while (seen < kEvents) {
        auto e = c->next(std::chrono::seconds(10));
        if (!e) break;
        if (e->event == "comment") continue;
        const long long sent = json::parse(e->data)["data"]["t"].get<long long>();
        std::lock_guard lock(mutex);
        latencies_ms.push_back(static_cast<double>(now_us() - sent) / 1000.0);
        ++seen;
      }
    });
  }
  for (int i = 0; i < kEvents; ++i) {
    db::with_transaction(pool, [&](pqxx::work& tx) {
      events::publish(tx, user, "bench", "", "bench.tick", {{"t", now_us()}});
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  for (auto& r : readers)
    r.join();

  // Baseline: raw LISTEN/NOTIFY round trip to one listener.
  std::vector<double> raw_ms;
  {
    pqxx::connection listen{database.url()};
    struct Receiver : pqxx::notification_receiver {
      Receiver(pqxx::connection_base& c, std::vector<double>& out)
          : notification_receiver(c, "bench_raw"), out_(out) {}
      void operator()(const std::string& payload, int) override {
        out_.push_back(static_cast<double>(now_us() - std::stoll(payload)) / 1000.0);
      }
      std::vector<double>& out_;
    } receiver(listen, raw_ms);
    std::thread sender([&] {
      for (int i = 0; i < kEvents; ++i) {
        db::with_transaction(pool, [&](pqxx::work& tx) {
          tx.exec_params("SELECT pg_notify('bench_raw', $1)", std::to_string(now_us()));
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    });
    while (raw_ms.size() < static_cast<std::size_t>(kEvents))
      listen.await_notification(1, 0);
    sender.join();
  }
  std::printf("\n== events: %d events to %d SSE clients (%zu deliveries)\n", kEvents, kClients,
              latencies_ms.size());
  std::printf("%-28s %10s %10s\n", "", "p50 ms", "p99 ms");
  std::printf("%-28s %10.2f %10.2f\n", "commit -> SSE client", percentile(latencies_ms, 0.5),
              percentile(latencies_ms, 0.99));
  std::printf("%-28s %10.2f %10.2f\n", "baseline: raw NOTIFY", percentile(raw_ms, 0.5),
              percentile(raw_ms, 0.99));
  std::printf("%-28s %10.2f %10.2f\n", "ratio",
              percentile(latencies_ms, 0.5) / std::max(0.001, percentile(raw_ms, 0.5)),
              percentile(latencies_ms, 0.99) / std::max(0.001, percentile(raw_ms, 0.99)));
  return latencies_ms.size() == static_cast<std::size_t>(kClients * kEvents) ? 0 : 1;
}

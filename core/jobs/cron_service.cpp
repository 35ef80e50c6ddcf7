#include "jobs/cron_service.hpp"

#include <spdlog/spdlog.h>
#include <pqxx/pqxx>

#include "db/transaction.hpp"

namespace scratch::jobs {

bool CronService::take_tick(const CronTask& task) {
  return db::with_transaction(pool_, [&](pqxx::work& tx) {
    return !tx.exec_params(
                  "INSERT INTO cron_runs (task, last_run_at) VALUES ($1, now()) "
                  "ON CONFLICT (task) DO UPDATE SET last_run_at = now() "
                  "WHERE cron_runs.last_run_at <= now() - make_interval(secs => $2) RETURNING task",
                  task.name, static_cast<long long>(task.interval.count()))
                .empty();
  });
}

void CronService::start() {
  thread_ = std::thread([this] {
    while (!stopping_) {
      for (const auto& task : tasks_) {
        if (stopping_) break;
        try {
          if (take_tick(task)) task.run();
        } catch (const std::exception& e) {
          spdlog::warn("cron task {} failed: {}", task.name, e.what());
        }
      }
      for (int i = 0; i < 10 && !stopping_; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
}

void CronService::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

}  // namespace scratch::jobs

// The cron role: runs registered tasks on an interval. Many instances may run it; each tick of a task is
// taken by exactly one of them (an upsert on cron_runs), so tasks need no locking of their own.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "app/background_service.hpp"
#include "db/connection_pool.hpp"

namespace scratch::jobs {

struct CronTask {
  std::string name;
  std::chrono::seconds interval;
  std::function<void()> run;
};

class CronService : public app::BackgroundService {
 public:
  CronService(db::ConnectionPool& pool, std::vector<CronTask> tasks)
      : pool_(pool), tasks_(std::move(tasks)) {}
  ~CronService() override { stop(); }
  const char* name() const override { return "cron"; }
  void start() override;
  void stop() override;
  // True when this instance took the task's current tick (and recorded it).
  bool take_tick(const CronTask& task);

 private:
  db::ConnectionPool& pool_;
  std::vector<CronTask> tasks_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace scratch::jobs

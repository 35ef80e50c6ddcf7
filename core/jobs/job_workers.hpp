// The worker role: N threads that claim jobs, run their handler with a heartbeat keeping the lease, and
// record the outcome. On shutdown they stop claiming, let running jobs reach a cancel check, and hand
// unfinished jobs back to the queue.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "app/background_service.hpp"
#include "jobs/job_handler.hpp"

namespace scratch::jobs {

struct WorkerOptions {
  int threads = 2;
  std::chrono::seconds lease{30};
  std::chrono::milliseconds idle_poll{500};
  int per_user_cap = 4;
};

class JobWorkers : public app::BackgroundService {
 public:
  JobWorkers(db::ConnectionPool& pool, const JobRegistry& registry, WorkerOptions options);
  ~JobWorkers() override;
  const char* name() const override { return "job workers"; }
  void start() override;
  void stop() override;

 private:
  void loop(int index);
  void run_one(const std::string& worker, const ClaimedJob& job);

  JobQueue queue_;
  const JobRegistry& registry_;
  WorkerOptions options_;
  std::string instance_;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
};

}  // namespace scratch::jobs

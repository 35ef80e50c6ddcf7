// What a job type implements, and what it can do while it runs.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "jobs/job_queue.hpp"

namespace scratch::jobs {

// Thrown by a handler: retryable failures go back to the queue with backoff (until max_attempts).
class JobError : public std::runtime_error {
 public:
  JobError(std::string code, const std::string& message, bool retryable)
      : std::runtime_error(message), code_(std::move(code)), retryable_(retryable) {}
  const std::string& code() const { return code_; }
  bool retryable() const { return retryable_; }

 private:
  std::string code_;
  bool retryable_;
};

// Thrown by JobContext::check_cancel when the owner cancelled the job.
class JobCancelled : public std::runtime_error {
 public:
  JobCancelled() : std::runtime_error("cancelled") {}
};

class JobContext {
 public:
  JobContext(JobQueue& queue, ClaimedJob job, std::string worker, std::function<bool()> stopping)
      : queue_(queue), job_(std::move(job)), worker_(std::move(worker)), stopping_(std::move(stopping)) {}

  const ClaimedJob& job() const { return job_; }
  // total -1: not known (yet).
  void progress(long long done, long long total, const std::string& message) {
    queue_.progress(job_.id, worker_, done, total, message);
  }
  // Call between units of work: throws JobCancelled when the owner cancelled, or when this worker is
  // shutting down (the job is then handed back to the queue, not cancelled).
  void check_cancel() {
    if (stopping_ && stopping_()) throw ShuttingDown();
    if (queue_.cancel_requested(job_.id)) throw JobCancelled();
  }
  // Database work that must happen exactly when the job succeeds: it runs in the completing transaction.
  void on_success(std::function<void(pqxx::work&)> effect) { effects_.push_back(std::move(effect)); }
  const std::vector<std::function<void(pqxx::work&)>>& effects() const { return effects_; }

  class ShuttingDown : public std::runtime_error {
   public:
    ShuttingDown() : std::runtime_error("worker shutting down") {}
  };

 private:
  JobQueue& queue_;
  ClaimedJob job_;
  std::string worker_;
  std::function<bool()> stopping_;
  std::vector<std::function<void(pqxx::work&)>> effects_;
};

struct JobType {
  std::function<nlohmann::json(JobContext&)> run;
  int max_attempts = 5;
  std::chrono::milliseconds base_backoff{1000};
  std::chrono::milliseconds max_backoff{300000};
};

using JobRegistry = std::map<std::string, JobType>;

}  // namespace scratch::jobs

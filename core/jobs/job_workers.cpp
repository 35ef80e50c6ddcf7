#include "jobs/job_workers.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <condition_variable>
#include <mutex>

#include "crypto/encoding.hpp"
#include "crypto/random.hpp"

namespace scratch::jobs {
namespace {

using nlohmann::json;

// Renews the lease every third of its length until stopped. A lost lease needs no action here: the
// worker's final write is conditional on the lease, so a reclaimed job's late result is discarded.
class Heartbeat {
 public:
  Heartbeat(JobQueue& queue, std::string id, std::string worker, std::chrono::seconds lease)
      : thread_([this, &queue, id = std::move(id), worker = std::move(worker), lease] {
          std::unique_lock lock(mutex_);
          while (!cv_.wait_for(lock, lease / 3, [this] { return done_; })) {
            lock.unlock();
            try {
              queue.heartbeat(id, worker, lease);
            } catch (const std::exception& e) {
              spdlog::warn("heartbeat for job {} failed: {}", id, e.what());
            }
            lock.lock();
          }
        }) {}
  ~Heartbeat() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace

JobWorkers::JobWorkers(db::ConnectionPool& pool, const JobRegistry& registry, WorkerOptions options)
    : queue_(pool), registry_(registry), options_(options) {
  char host[64] = {};
  ::gethostname(host, sizeof host - 1);
  instance_ = std::string(host) + ":" + std::to_string(::getpid()) + ":" +
              crypto::hex_encode(crypto::random_bytes(3));
}

JobWorkers::~JobWorkers() {
  stop();
}

void JobWorkers::start() {
  for (int i = 0; i < options_.threads; ++i)
    threads_.emplace_back([this, i] { loop(i); });
}

void JobWorkers::stop() {
  if (threads_.empty()) return;
  stopping_ = true;
  for (auto& t : threads_)
    t.join();
  threads_.clear();
  try {
    if (const int n = queue_.release(instance_))
      spdlog::info("handed {} unfinished job(s) back to the queue", n);
  } catch (const std::exception& e) {
    spdlog::warn("could not release leases at shutdown: {} (the reaper will requeue them)", e.what());
  }
}

void JobWorkers::loop(int index) {
  const std::string worker = instance_ + "/" + std::to_string(index);
  std::vector<std::string> types;
  for (const auto& [type, handler] : registry_)
    types.push_back(type);
  while (!stopping_) {
    std::optional<ClaimedJob> job;
    try {
      job = queue_.claim(worker, types, options_.lease, options_.per_user_cap);
    } catch (const std::exception& e) {
      spdlog::warn("claiming a job failed: {}", e.what());
    }
    if (!job) {
      for (auto waited = std::chrono::milliseconds(0); waited < options_.idle_poll && !stopping_;
           waited += std::chrono::milliseconds(50)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      continue;
    }
    run_one(worker, *job);
  }
}

void JobWorkers::run_one(const std::string& worker, const ClaimedJob& job) {
  const JobType& type = registry_.at(job.type);
  JobContext context(queue_, job, worker, [this] { return stopping_.load(); });
  try {
    json result;
    {
      Heartbeat heartbeat(queue_, job.id, worker, options_.lease);
      result = type.run(context);
    }
    const auto& effects = context.effects();
    const bool finished = queue_.succeed(job.id, worker, result, [&effects](pqxx::work& tx) {
      for (const auto& effect : effects)
        effect(tx);
    });
    if (!finished)
      spdlog::warn("job {} ({}) finished after its lease was lost; result discarded", job.id, job.type);
  } catch (const JobContext::ShuttingDown&) {
    // Left running under our name; stop() hands it back to the queue.
  } catch (const JobCancelled&) {
    queue_.mark_cancelled(job.id, worker);
  } catch (const JobError& e) {
    queue_.fail(job.id, worker, {{"code", e.code()}, {"message", e.what()}, {"retryable", e.retryable()}},
                e.retryable(), retry_backoff(job.attempts, type.base_backoff, type.max_backoff));
  } catch (const std::exception& e) {
    spdlog::error("job {} ({}) failed unexpectedly: {}", job.id, job.type, e.what());
    try {
      queue_.fail(job.id, worker, {{"code", "internal_error"}, {"message", e.what()}, {"retryable", true}},
                  true, retry_backoff(job.attempts, type.base_backoff, type.max_backoff));
    } catch (const std::exception&) {
      // The database is gone too; the lease will expire and the reaper requeues the job.
    }
  }
}

}  // namespace scratch::jobs

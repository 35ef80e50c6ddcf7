// The durable job queue in PostgreSQL. Enqueue happens inside the caller's transaction, so a job exists
// if and only if the change that asked for it committed. Every write a worker makes to a running job is
// conditional on still holding its lease, so a job reclaimed from a dead (or merely slow) worker is never
// finished twice.
#pragma once

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <pqxx/transaction>
#include <string>
#include <vector>

#include "db/connection_pool.hpp"

namespace scratch::jobs {

struct EnqueueOptions {
  int priority = 0;  // higher runs first
  int max_attempts = 5;
  std::chrono::seconds delay{0};
};

struct ClaimedJob {
  std::string id;
  std::string type;
  std::string user_id;  // empty for system jobs
  nlohmann::json payload;
  int attempts = 0;  // including this one
  int max_attempts = 0;
};

class JobQueue {
 public:
  explicit JobQueue(db::ConnectionPool& pool) : pool_(pool) {}

  // Inside the caller's transaction. Returns the job id.
  static std::string enqueue(pqxx::transaction_base& tx, const std::string& type, const std::string& user_id,
                             const nlohmann::json& payload, const EnqueueOptions& options = {});

  // Claims the most urgent runnable job of the given types, skipping users who already have
  // `per_user_cap` jobs running. nullopt when there is nothing to do.
  std::optional<ClaimedJob> claim(const std::string& worker, const std::vector<std::string>& types,
                                  std::chrono::seconds lease, int per_user_cap);
  // Renews the lease; false when it was lost (reaped and reclaimed), so the worker must stop.
  bool heartbeat(const std::string& id, const std::string& worker, std::chrono::seconds lease);
  void progress(const std::string& id, const std::string& worker, long long done, long long total,
                const std::string& message);
  bool cancel_requested(const std::string& id);

  // Finishes the job and runs `effects` in the same transaction; false (and nothing applied) when the
  // lease was lost.
  bool succeed(const std::string& id, const std::string& worker, const nlohmann::json& result,
               const std::function<void(pqxx::work&)>& effects = {});
  // Retryable failures with attempts left go back to the queue after `backoff`; others fail for good.
  bool fail(const std::string& id, const std::string& worker, const nlohmann::json& error, bool retryable,
            std::chrono::milliseconds backoff);
  bool mark_cancelled(const std::string& id, const std::string& worker);
  // Hands running jobs of this worker (or of its threads, "<worker>/<n>") back to the queue at shutdown,
  // without counting the attempt.
  int release(const std::string& worker);

  // Queued jobs are cancelled at once; running ones are flagged for their next cancel check.
  // nullopt when the job is not the user's.
  std::optional<nlohmann::json> request_cancel(const std::string& user_id, const std::string& id);
  std::optional<nlohmann::json> get(const std::string& user_id, const std::string& id);
  nlohmann::json list(const std::string& user_id, const std::string& state, const std::string& type,
                      int limit);

  // Cron tasks: requeue jobs whose lease expired; delete finished jobs older than `age`.
  int reap_expired();
  int prune_finished(std::chrono::hours age);

 private:
  db::ConnectionPool& pool_;
};

// Exponential backoff with full jitter: a random delay in [base*2^(attempt-1)/2, base*2^(attempt-1)], capped.
std::chrono::milliseconds retry_backoff(int attempt, std::chrono::milliseconds base,
                                        std::chrono::milliseconds cap);

}  // namespace scratch::jobs

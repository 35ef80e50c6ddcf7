#include "jobs/job_queue.hpp"

#include <pqxx/pqxx>
#include <random>

#include "auth/user_store.hpp"
#include "db/transaction.hpp"

namespace scratch::jobs {
namespace {

using nlohmann::json;

constexpr const char* kColumns =
    "id::text, type, coalesce(user_id::text, ''), state, priority, payload::text, attempts, max_attempts, "
    "progress_done, progress_total, coalesce(progress_message, ''), result::text, error::text, "
    "cancel_requested, "
    "scratch_iso(created_at), scratch_iso(started_at), scratch_iso(finished_at), scratch_iso(run_after)";

json nullable_json(const pqxx::field& f) {
  return f.is_null() ? json(nullptr) : json::parse(f.as<std::string>());
}
json nullable_text(const pqxx::field& f) {
  return f.is_null() ? json(nullptr) : json(f.as<std::string>());
}

json job_json(const pqxx::row& r) {
  json progress = nullptr;
  if (!r[8].is_null() || !r[10].as<std::string>().empty()) {
    progress = {{"done", r[8].is_null() ? json(nullptr) : json(r[8].as<long long>())},
                {"total", r[9].is_null() ? json(nullptr) : json(r[9].as<long long>())},
                {"message", r[10].as<std::string>()}};
  }
  return {{"id", r[0].as<std::string>()},
          {"type", r[1].as<std::string>()},
          {"state", r[3].as<std::string>()},
          {"priority", r[4].as<int>()},
          {"payload", json::parse(r[5].as<std::string>())},
          {"attempts", r[6].as<int>()},
          {"max_attempts", r[7].as<int>()},
          {"progress", progress},
          {"result", nullable_json(r[11])},
          {"error", nullable_json(r[12])},
          {"cancel_requested", r[13].as<bool>()},
          {"created_at", r[14].as<std::string>()},
          {"started_at", nullable_text(r[15])},
          {"finished_at", nullable_text(r[16])},
          {"run_after", r[17].as<std::string>()}};
}

// Appends the job's current state to the event log (jobs of users only), notifying listeners at commit.
// kind: "job.progress", or empty for "job.<state>".
void publish_job(pqxx::transaction_base& tx, const std::string& id, const std::string& kind = "") {
  tx.exec_params(
      "WITH e AS (INSERT INTO events (user_id, topic, entity_id, kind, data) "
      "  SELECT user_id, 'job', id, coalesce(nullif($2, ''), 'job.' || state), jsonb_build_object("
      "    'id', id, 'type', type, 'state', state, 'attempts', attempts, 'error', error, 'result', result, "
      "    'progress', CASE WHEN progress_total IS NULL AND progress_message IS NULL THEN NULL ELSE "
      "      jsonb_build_object('done', progress_done, 'total', progress_total, 'message', progress_message) "
      "END) "
      "  FROM jobs WHERE id = $1::uuid AND user_id IS NOT NULL RETURNING seq) "
      "SELECT pg_notify('scratch_events', seq::text) FROM e",
      id, kind);
}

}  // namespace

std::chrono::milliseconds retry_backoff(int attempt, std::chrono::milliseconds base,
                                        std::chrono::milliseconds cap) {
  const long long exp = base.count() << std::min(std::max(attempt - 1, 0), 20);
  const long long top = std::min<long long>(exp, cap.count());
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<long long> dist(top / 2, std::max(top / 2, top));
  return std::chrono::milliseconds(dist(rng));
}

std::string JobQueue::enqueue(pqxx::transaction_base& tx, const std::string& type, const std::string& user_id,
                              const json& payload, const EnqueueOptions& options) {
  const std::string id = tx.exec_params1(
                               "INSERT INTO jobs (type, user_id, payload, priority, max_attempts, run_after) "
                               "VALUES ($1, nullif($2, '')::uuid, $3::jsonb, $4, $5, now() + "
                               "make_interval(secs => $6)) RETURNING "
                               "id::text",
                               type, user_id, payload.dump(), options.priority, options.max_attempts,
                               static_cast<long long>(options.delay.count()))[0]
                             .as<std::string>();
  publish_job(tx, id);
  return id;
}

std::optional<ClaimedJob> JobQueue::claim(const std::string& worker, const std::vector<std::string>& types,
                                          std::chrono::seconds lease, int per_user_cap) {
  std::string type_list = "{";
  for (std::size_t i = 0; i < types.size(); ++i)
    type_list += (i ? "," : "") + ("\"" + types[i] + "\"");
  type_list += "}";
  return db::with_transaction(pool_, [&](pqxx::work& tx) -> std::optional<ClaimedJob> {
    std::string skipped_users = "{}";
    for (int tries = 0; tries < 8; ++tries) {
      const auto candidate = tx.exec_params(
          "SELECT id::text, coalesce(user_id::text, '') FROM jobs "
          "WHERE state = 'queued' AND run_after <= now() AND type = ANY($1::text[]) "
          "  AND (user_id IS NULL OR NOT (user_id = ANY($2::uuid[]))) "
          "ORDER BY priority DESC, run_after, created_at FOR UPDATE SKIP LOCKED LIMIT 1",
          type_list, skipped_users);
      if (candidate.empty()) return std::nullopt;
      const std::string id = candidate[0][0].as<std::string>();
      const std::string user = candidate[0][1].as<std::string>();
      if (!user.empty()) {
        // Serialise claims per user, so two workers cannot both take the user's last free slot.
        tx.exec_params("SELECT pg_advisory_xact_lock(hashtextextended($1, 42))", user);
        const int running =
            tx.exec_params1("SELECT count(*) FROM jobs WHERE user_id = $1::uuid AND state = 'running'",
                            user)[0]
                .as<int>();
        if (running >= per_user_cap) {
          skipped_users = skipped_users == "{}"
                              ? "{" + user + "}"
                              : skipped_users.substr(0, skipped_users.size() - 1) + "," + user + "}";
          continue;
        }
      }
      const auto row = tx.exec_params1(
          "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = $2, "
          "  lease_expires_at = now() + make_interval(secs => $3), started_at = coalesce(started_at, now()), "
          "  updated_at = now() WHERE id = $1::uuid "
          "RETURNING type, payload::text, attempts, max_attempts",
          id, worker, static_cast<long long>(lease.count()));
      publish_job(tx, id);
      return ClaimedJob{id,
                        row[0].as<std::string>(),
                        user,
                        json::parse(row[1].as<std::string>()),
                        row[2].as<int>(),
                        row[3].as<int>()};
    }
    return std::nullopt;
  });
}

bool JobQueue::heartbeat(const std::string& id, const std::string& worker, std::chrono::seconds lease) {
  return db::with_transaction(pool_, [&](pqxx::work& tx) {
    return tx.exec_params(
                 "UPDATE jobs SET lease_expires_at = now() + make_interval(secs => $3), updated_at = now() "
                 "WHERE id = $1::uuid AND lease_owner = $2 AND state = 'running'",
                 id, worker, static_cast<long long>(lease.count()))
               .affected_rows() == 1;
  });
}

void JobQueue::progress(const std::string& id, const std::string& worker, long long done, long long total,
                        const std::string& message) {
  db::with_transaction(pool_, [&](pqxx::work& tx) {
    tx.exec_params(
        "UPDATE jobs SET progress_done = $3, progress_total = NULLIF($4::bigint, -1), progress_message = $5, updated_at = now() "
        "WHERE id = $1::uuid AND lease_owner = $2 AND state = 'running'",
        id, worker, done, total, message);
    publish_job(tx, id, "job.progress");
  });
}

bool JobQueue::cancel_requested(const std::string& id) {
  return db::with_read(pool_, [&](pqxx::read_transaction& tx) {
    const auto r = tx.exec_params("SELECT cancel_requested FROM jobs WHERE id = $1::uuid", id);
    return !r.empty() && r[0][0].as<bool>();
  });
}

bool JobQueue::succeed(const std::string& id, const std::string& worker, const json& result,
                       const std::function<void(pqxx::work&)>& effects) {
  return db::with_transaction(pool_, [&](pqxx::work& tx) {
    const bool mine =
        tx.exec_params(
              "UPDATE jobs SET state = 'succeeded', result = $3::jsonb, error = NULL, lease_owner = NULL, "
              "  lease_expires_at = NULL, finished_at = now(), updated_at = now() "
              "WHERE id = $1::uuid AND lease_owner = $2 AND state = 'running'",
              id, worker, result.dump())
            .affected_rows() == 1;
    if (mine && effects) effects(tx);  // same transaction: the effect happens exactly when the job succeeds
    if (mine) publish_job(tx, id);
    return mine;
  });
}

bool JobQueue::fail(const std::string& id, const std::string& worker, const json& error, bool retryable,
                    std::chrono::milliseconds backoff) {
  return db::with_transaction(pool_, [&](pqxx::work& tx) {
    const bool mine =
        tx.exec_params(
              "UPDATE jobs SET "
              "  state = CASE WHEN $4 AND attempts < max_attempts AND NOT cancel_requested THEN 'queued' "
              "               WHEN cancel_requested THEN 'cancelled' ELSE 'failed' END, "
              "  run_after = now() + make_interval(secs => $5::double precision / 1000), "
              "  finished_at = CASE WHEN $4 AND attempts < max_attempts AND NOT cancel_requested THEN "
              "NULL "
              "                     ELSE now() END, "
              "  error = $3::jsonb, lease_owner = NULL, lease_expires_at = NULL, updated_at = now() "
              "WHERE id = $1::uuid AND lease_owner = $2 AND state = 'running'",
              id, worker, error.dump(), retryable, static_cast<long long>(backoff.count()))
            .affected_rows() == 1;
    if (mine) publish_job(tx, id);
    return mine;
  });
}

bool JobQueue::mark_cancelled(const std::string& id, const std::string& worker) {
  return db::with_transaction(pool_, [&](pqxx::work& tx) {
    const bool mine =
        tx.exec_params(
              "UPDATE jobs SET state = 'cancelled', lease_owner = NULL, lease_expires_at = NULL, "
              "  finished_at = now(), updated_at = now() "
              "WHERE id = $1::uuid AND lease_owner = $2 AND state = 'running'",
              id, worker)
            .affected_rows() == 1;
    if (mine) publish_job(tx, id);
    return mine;
  });
}

int JobQueue::release(const std::string& worker) {
  return db::with_transaction(pool_, [&](pqxx::work& tx) {
    return static_cast<int>(
        tx.exec_params("UPDATE jobs SET state = 'queued', attempts = greatest(attempts - 1, 0), "
                       "  lease_owner = NULL, lease_expires_at = NULL, updated_at = now() "
                       "WHERE (lease_owner = $1 OR left(lease_owner, length($1) + 1) = $1 || '/') "
                       "  AND state = 'running'",
                       worker)
            .affected_rows());
  });
}

std::optional<json> JobQueue::request_cancel(const std::string& user_id, const std::string& id) {
  if (!auth::is_uuid(id)) return std::nullopt;
  return db::with_transaction(pool_, [&](pqxx::work& tx) -> std::optional<json> {
    const auto r = tx.exec_params(
        std::string(
            "UPDATE jobs SET cancel_requested = state IN ('queued', 'running'), "
            "  state = CASE WHEN state = 'queued' THEN 'cancelled' ELSE state END, "
            "  finished_at = CASE WHEN state = 'queued' THEN now() ELSE finished_at END, updated_at = now() "
            "WHERE id = $1::uuid AND user_id = $2::uuid RETURNING ") +
            kColumns,
        id, user_id);
    if (r.empty()) return std::nullopt;
    if (r[0][3].as<std::string>() == "cancelled") publish_job(tx, id);
    return job_json(r[0]);
  });
}

std::optional<json> JobQueue::get(const std::string& user_id, const std::string& id) {
  if (!auth::is_uuid(id)) return std::nullopt;
  return db::with_read(pool_, [&](pqxx::read_transaction& tx) -> std::optional<json> {
    const auto r = tx.exec_params(
        std::string("SELECT ") + kColumns + " FROM jobs WHERE id = $1::uuid AND user_id = $2::uuid", id,
        user_id);
    if (r.empty()) return std::nullopt;
    return job_json(r[0]);
  });
}

json JobQueue::list(const std::string& user_id, const std::string& state, const std::string& type,
                    int limit) {
  return db::with_read(pool_, [&](pqxx::read_transaction& tx) {
    json items = json::array();
    for (const auto& r :
         tx.exec_params(std::string("SELECT ") + kColumns +
                            " FROM jobs WHERE user_id = $1::uuid AND ($2 = '' OR state = $2) "
                            "AND ($3 = '' OR type = $3) ORDER BY created_at DESC, id LIMIT $4",
                        user_id, state, type, limit)) {
      items.push_back(job_json(r));
    }
    return items;
  });
}

int JobQueue::reap_expired() {
  return db::with_transaction(pool_, [&](pqxx::work& tx) {
    // An expired lease means the worker died or stalled: the attempt counts, and the job runs again (or fails
    // when it has no attempts left, keeping the reason).
    return static_cast<int>(
        tx.exec("UPDATE jobs SET "
                "  state = CASE WHEN cancel_requested THEN 'cancelled' "
                "               WHEN attempts < max_attempts THEN 'queued' ELSE 'failed' END, "
                "  error = jsonb_build_object('code', 'lease_expired', 'message', "
                "          'the worker running this job stopped responding (' || coalesce(lease_owner, '?') "
                "|| ')', "
                "          'retryable', true), "
                "  finished_at = CASE WHEN cancel_requested OR attempts >= max_attempts THEN now() END, "
                "  lease_owner = NULL, lease_expires_at = NULL, updated_at = now() "
                "WHERE state = 'running' AND lease_expires_at < now()")
            .affected_rows());
  });
}

int JobQueue::prune_finished(std::chrono::hours age) {
  return db::with_transaction(pool_, [&](pqxx::work& tx) {
    return static_cast<int>(
        tx.exec_params("DELETE FROM jobs WHERE finished_at < now() - make_interval(hours => $1)",
                       static_cast<int>(age.count()))
            .affected_rows());
  });
}

}  // namespace scratch::jobs

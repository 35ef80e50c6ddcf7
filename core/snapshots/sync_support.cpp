#include "snapshots/sync_support.hpp"

#include <algorithm>
#include <pqxx/pqxx>

#include "db/transaction.hpp"
#include "http/problem.hpp"
#include "jobs/job_queue.hpp"

namespace scratch::snapshots {

ConnectorLimits limits_of(pqxx::transaction_base& tx, connectors::Connectors& connectors,
                          const std::string& account_id) {
  ConnectorLimits out;
  out.connector =
      tx.exec_params1("SELECT connector FROM connector_accounts WHERE id = $1::uuid", account_id)[0]
          .as<std::string>();
  const auto spec = connectors.spec(out.connector);
  if (!spec) {
    throw jobs::JobError("connector_unavailable", "connector '" + out.connector + "' is not installed", true);
  }
  const auto limits = spec->value("limits", nlohmann::json::object());
  const auto num = [&](const char* key, int fallback) {
    const auto v = limits.value(key, nlohmann::json());
    return v.is_number() && v.get<double>() >= 1 ? static_cast<int>(v.get<double>()) : fallback;
  };
  // Pages are stored in one transaction each: bound them so memory stays flat whatever the source allows.
  out.page_size = std::clamp(num("max_page_size", 500), 1, 5000);
  out.write_batch = std::clamp(num("max_write_batch", 100), 1, 1000);
  return out;
}

std::vector<TableInfo> job_tables(db::ConnectionPool& pool, const jobs::JobContext& ctx) {
  const std::string user_id = ctx.job().user_id;
  const std::string snapshot_id = ctx.job().payload.value("snapshot_id", "");
  std::vector<std::string> ids;
  for (const auto& t : ctx.job().payload.value("table_ids", nlohmann::json::array()))
    if (t.is_string()) ids.push_back(t.get<std::string>());
  try {
    return db::with_read(pool, [&](pqxx::read_transaction& tx) {
      if (tx.exec_params("SELECT 1 FROM snapshots WHERE id = $1::uuid AND user_id = $2::uuid", snapshot_id,
                         user_id)
              .empty())
        throw jobs::JobError("not_found", "the snapshot no longer exists", false);
      return load_tables(tx, snapshot_id, ids);
    });
  } catch (const http::ApiError& e) {
    throw jobs::JobError("not_found", e.detail(), false);
  }
}

jobs::JobError call_failure(const std::string& what, const connectors::CallResult& result) {
  const auto& e = result.value;
  return jobs::JobError(e.value("code", std::string("connector_error")),
                        what + ": " + e.value("message", std::string("the connector failed")),
                        e.value("retryable", false));
}

nlohmann::json enqueue_sync_job(pqxx::transaction_base& tx, const std::string& user_id,
                                const std::string& snapshot_id, const std::string& type,
                                const nlohmann::json& payload) {
  tx.exec_params("SELECT 1 FROM snapshots WHERE id = $1::uuid FOR UPDATE", snapshot_id);
  const auto busy = tx.exec_params(
      "SELECT id::text, type FROM jobs WHERE user_id = $1::uuid AND state IN ('queued', 'running') "
      "AND type IN ('snapshot.download', 'snapshot.publish') AND payload->>'snapshot_id' = $2 LIMIT 1",
      user_id, snapshot_id);
  if (!busy.empty()) {
    throw http::ApiError(409, "snapshot_busy", "Snapshot busy",
                         "a " + busy[0][1].as<std::string>() + " job (" + busy[0][0].as<std::string>() +
                             ") is already queued or running for this snapshot")
        .with("job_id", busy[0][0].as<std::string>());
  }
  jobs::EnqueueOptions options;
  options.max_attempts = 5;
  return {{"id", jobs::JobQueue::enqueue(tx, type, user_id, payload, options)}, {"type", type}};
}

}  // namespace scratch::snapshots

// What download and publish jobs share: the connector behind a table, its limits, and the busy check.
#pragma once

#include <nlohmann/json.hpp>
#include <pqxx/transaction_base>
#include <string>
#include <vector>

#include "connectors/connectors.hpp"
#include "db/connection_pool.hpp"
#include "jobs/job_handler.hpp"
#include "snapshots/table_info.hpp"

namespace scratch::snapshots {

constexpr const char* kDownloadJob = "snapshot.download";
constexpr const char* kPublishJob = "snapshot.publish";

struct ConnectorLimits {
  std::string connector;
  int page_size = 500;
  int write_batch = 100;
};

// The account's connector and its declared limits (clamped to sane bounds).
ConnectorLimits limits_of(pqxx::transaction_base& tx, connectors::Connectors& connectors,
                          const std::string& account_id);

// The tables a download or publish job works on (payload: snapshot_id, table_ids); a snapshot or table
// deleted since the job was queued fails it for good (not_found).
std::vector<TableInfo> job_tables(db::ConnectionPool& pool, const jobs::JobContext& ctx);

// A connector call's failure as a job error: the connector's own code and message, retryable as it says.
jobs::JobError call_failure(const std::string& what, const connectors::CallResult& result);

// Enqueues a download or publish job unless one of either kind is queued or running for the snapshot
// (409 snapshot_busy). Locks the snapshot row, so two requests cannot both pass the check.
nlohmann::json enqueue_sync_job(pqxx::transaction_base& tx, const std::string& user_id,
                                const std::string& snapshot_id, const std::string& type,
                                const nlohmann::json& payload);

}  // namespace scratch::snapshots

#include "snapshots/snapshot_jobs.hpp"

#include "snapshots/download_job.hpp"
#include "snapshots/field_indexes.hpp"
#include "snapshots/publish_job.hpp"
#include "snapshots/sync_support.hpp"

namespace scratch::snapshots {

void add_snapshot_jobs(jobs::JobRegistry& registry, db::ConnectionPool& pool,
                       accounts::AccountService& accounts, connectors::Connectors& connectors) {
  // Both resume where an earlier attempt stopped (download: its last committed page; publish: its plan).
  registry[kDownloadJob] = {
      [&](jobs::JobContext& ctx) { return run_download(ctx, pool, accounts, connectors); }, 5,
      std::chrono::milliseconds(2000), std::chrono::milliseconds(60000)};
  registry[kPublishJob] = {
      [&](jobs::JobContext& ctx) { return run_publish(ctx, pool, accounts, connectors); }, 5,
      std::chrono::milliseconds(2000), std::chrono::milliseconds(60000)};
  registry[kIndexJob] = {[&](jobs::JobContext& ctx) { return run_field_index(ctx, pool); }, 3,
                         std::chrono::milliseconds(5000), std::chrono::milliseconds(60000)};
}

}  // namespace scratch::snapshots

// The snapshot.download job: pages through each table's source and merges every page into the snapshot in
// its own transaction (so memory stays flat and a cancel or crash leaves consistent data), then sweeps
// records the source no longer has.
#pragma once

#include <nlohmann/json.hpp>

#include "accounts/account_service.hpp"
#include "connectors/connectors.hpp"
#include "db/connection_pool.hpp"
#include "jobs/job_handler.hpp"

namespace scratch::snapshots {

nlohmann::json run_download(jobs::JobContext& ctx, db::ConnectionPool& pool,
                            accounts::AccountService& accounts, connectors::Connectors& connectors);

}  // namespace scratch::snapshots

// Registers the snapshot.download and snapshot.publish job types.
#pragma once

#include "accounts/account_service.hpp"
#include "connectors/connectors.hpp"
#include "db/connection_pool.hpp"
#include "jobs/job_handler.hpp"

namespace scratch::snapshots {

void add_snapshot_jobs(jobs::JobRegistry& registry, db::ConnectionPool& pool,
                       accounts::AccountService& accounts, connectors::Connectors& connectors);

}  // namespace scratch::snapshots

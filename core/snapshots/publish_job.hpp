// The snapshot.publish job. The plan is persisted with a status per operation and each batch's outcome is
// committed on its own, so a crashed or cancelled publish resumes where it stopped and never loses what the
// source already accepted. Before a batch is sent its ops are marked in flight; a retry that finds a create
// still in flight cannot know whether the source made the record, so it flags it (ambiguous_create) instead
// of creating it twice.
#pragma once

#include <nlohmann/json.hpp>

#include "accounts/account_service.hpp"
#include "connectors/connectors.hpp"
#include "db/connection_pool.hpp"
#include "jobs/job_handler.hpp"

namespace scratch::snapshots {

nlohmann::json run_publish(jobs::JobContext& ctx, db::ConnectionPool& pool,
                           accounts::AccountService& accounts, connectors::Connectors& connectors);

}  // namespace scratch::snapshots

#include "app/route_table.hpp"

#include "accounts/account_routes.hpp"
#include "custom_connectors/custom_connector_routes.hpp"
#include "events/event_routes.hpp"
#include "jobs/job_routes.hpp"

namespace scratch::app {

void add_api_routes(http::Router& router, ApiServices& services) {
  auth::add_auth_routes(router, services.auth, services.authenticator);
  auth::add_api_token_routes(router, services.api_tokens, services.authenticator);
  admin::add_admin_routes(router, services.authenticator, services.database_status, services.role_name);
  accounts::add_connector_routes(router, services.connectors, services.authenticator);
  accounts::add_account_routes(router, services.accounts, services.authenticator);
  accounts::add_upload_routes(router, services.uploads, services.authenticator, services.upload_chunk_bytes);
  jobs::add_job_routes(router, services.jobs, services.job_types, services.diagnostic_jobs, services.pool,
                       services.authenticator);
  events::add_event_routes(router, services.events, services.jobs, services.authenticator);
  snapshots::add_snapshot_routes(router, services.snapshots, services.events);
  snapshots::add_record_routes(router, services.snapshots);
  snapshots::add_suggestion_routes(router, services.snapshots);
  custom_connectors::add_custom_connector_routes(router, services.custom_connectors, services.authenticator);
  agent::add_agent_tool_routes(router, services.agent);
  agent::add_agent_run_routes(router, services.agent);
  agent::add_mcp_routes(router, services.agent);
}

}  // namespace scratch::app

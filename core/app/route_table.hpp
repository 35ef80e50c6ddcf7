// Every API route the server has, registered in one place, so `serve` and the OpenAPI completeness test
// build exactly the same router.
#pragma once

#include <string>

#include "accounts/account_service.hpp"
#include "admin/admin_routes.hpp"
#include "agent/agent_services.hpp"
#include "auth/auth_routes.hpp"
#include "custom_connectors/custom_connector_service.hpp"
#include "events/event_bus.hpp"
#include "http/router.hpp"
#include "jobs/job_handler.hpp"
#include "snapshots/snapshot_routes.hpp"

namespace scratch::app {

struct ApiServices {
  auth::AuthService& auth;
  const auth::Authenticator& authenticator;
  auth::ApiTokenService& api_tokens;
  admin::DatabaseStatus database_status;
  std::string role_name;
  connectors::Connectors& connectors;
  accounts::AccountService& accounts;
  uploads::UploadService& uploads;
  std::size_t upload_chunk_bytes;
  jobs::JobQueue& jobs;
  const jobs::JobRegistry& job_types;
  bool diagnostic_jobs;
  db::ConnectionPool& pool;
  events::EventBus& events;
  snapshots::SnapshotServices& snapshots;
  custom_connectors::CustomConnectorService& custom_connectors;
  agent::AgentServices& agent;
};

// The /api/v1 routes served by the api and all roles (operational routes are added separately).
void add_api_routes(http::Router& router, ApiServices& services);

}  // namespace scratch::app

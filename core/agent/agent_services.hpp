// The agent side's services, built once in `serve` and shared by the tool, library, MCP and run routes.
#pragma once

#include "agent/agent_tools.hpp"
#include "agent/reference_library.hpp"
#include "agent/url_loader.hpp"
#include "auth/authenticator.hpp"
#include "events/event_bus.hpp"
#include "http/router.hpp"
#include "snapshots/snapshot_routes.hpp"

namespace scratch::agent {

class AgentRuns;

struct AgentServices {
  const auth::Authenticator& authenticator;
  snapshots::SnapshotServices& snapshots;
  ReferenceLibrary& library;
  AgentTools& tools;
  AgentRuns& runs;
  events::EventBus& bus;
};

// GET/POST /api/v1/snapshots/{id}/agent/tools[/{name}], /api/v1/agent/capabilities, reference files,
// style guides and @-mention search.
void add_agent_tool_routes(http::Router& router, AgentServices& s);
// POST /mcp: the Model Context Protocol (Streamable HTTP, JSON-RPC 2.0) over the same tools.
void add_mcp_routes(http::Router& router, AgentServices& s);
// Agent runs (chat and builder), their sessions, progress streams, usage and settings.
void add_agent_run_routes(http::Router& router, AgentServices& s);

}  // namespace scratch::agent

// Agent runs over HTTP: start (202), follow (SSE), cancel, sessions with their history, usage, settings.
#include "agent/agent_runs.hpp"
#include "agent/agent_services.hpp"
#include "events/event_routes.hpp"
#include "http/json_body.hpp"
#include "snapshots/snapshot_schemas.hpp"

namespace scratch::agent {

using http::Request;
using http::Response;
using nlohmann::json;
namespace schemas = snapshots::schemas;

void add_agent_run_routes(http::Router& router, AgentServices& s) {
  const json run_body = {
      {"type", "object"},
      {"required", {"message"}},
      {"properties",
       {{"message", {{"type", "string"}}},
        {"session_id", {{"type", "string"}, {"description", "continue this session (default: a new one)"}}},
        {"model", {{"type", "string"}}},
        {"capabilities", {{"type", "array"}, {"items", {{"type", "string"}}}}},
        {"max_steps", {{"type", "integer"}, {"minimum", 1}}},
        {"style_guide_ids", {{"type", "array"}, {"items", {{"type", "string"}}}}}}}};
  router.add("POST", "/api/v1/snapshots/{id}/agent/runs",
             {.operation_id = "startAgentRun",
              .summary = "Starts the in-server agent on the snapshot with a message; follow it at "
                         "/api/v1/agent/runs/{runId}/events. Its changes are suggestions only",
              .tag = "agent",
              .requires_auth = true,
              .request_schema = run_body,
              .success_status = 202,
              .response_schema = schemas::object(),
              .error_statuses = {403, 404, 409, 422, 429}},
             [&s](Request& request) {
               const auto p =
                   s.snapshots.access.require(request, request.param("id"), snapshots::Need::owner);
               return Response::json(
                   202, s.runs.start_chat(p.user_id, request.param("id"), http::parse_json_object(request)));
             });
  router.add("GET", "/api/v1/snapshots/{id}/agent/runs",
             {.operation_id = "listAgentRuns",
              .summary = "The snapshot's agent runs, newest first",
              .tag = "agent",
              .requires_auth = true,
              .response_schema = schemas::object(),
              .error_statuses = {403, 404}},
             [&s](Request& request) {
               const auto p =
                   s.snapshots.access.require(request, request.param("id"), snapshots::Need::owner);
               return Response::json(200, s.runs.list(p.user_id, request.param("id"), "chat"));
             });
  router.add("GET", "/api/v1/snapshots/{id}/agent/sessions",
             {.operation_id = "listAgentSessions",
              .summary = "The snapshot's agent chat sessions",
              .tag = "agent",
              .requires_auth = true,
              .response_schema = schemas::object(),
              .error_statuses = {403, 404}},
             [&s](Request& request) {
               const auto p =
                   s.snapshots.access.require(request, request.param("id"), snapshots::Need::owner);
               return Response::json(200, s.runs.sessions(p.user_id, request.param("id")));
             });
  router.add("GET", "/api/v1/agent/sessions/{sessionId}",
             {.operation_id = "getAgentSession",
              .summary = "A session with its whole history (messages, tool calls and results) and summary",
              .tag = "agent",
              .requires_auth = true,
              .response_schema = schemas::object(),
              .error_statuses = {403, 404}},
             [&s](Request& request) {
               const auto p = s.authenticator.require(request);
               return Response::json(200, s.runs.session(p.user_id, request.param("sessionId")));
             });
  router.add(
      "GET", "/api/v1/agent/runs/{runId}",
      {.operation_id = "getAgentRun",
       .summary = "An agent run: state, answer (or the builder's result), error, steps and token usage",
       .tag = "agent",
       .requires_auth = true,
       .response_schema = schemas::object(),
       .error_statuses = {403, 404}},
      [&s](Request& request) {
        const auto p = s.authenticator.require(request);
        return Response::json(200, s.runs.get(p.user_id, request.param("runId")));
      });
  router.add("POST", "/api/v1/agent/runs/{runId}/cancel",
             {.operation_id = "cancelAgentRun",
              .summary = "Cancels a running agent run (it stops before its next model or tool call)",
              .tag = "agent",
              .requires_auth = true,
              .request_body_optional = true,
              .response_schema = schemas::object(),
              .error_statuses = {403, 404}},
             [&s](Request& request) {
               const auto p = s.authenticator.require(request);
               return Response::json(200, s.runs.cancel(p.user_id, request.param("runId")));
             });
  router.add(
      "GET", "/api/v1/agent/runs/{runId}/events",
      {.operation_id = "streamAgentRunEvents",
       .summary = "Server-Sent Events of a run: each step, tool call and result summary, then the answer; "
                  "the stream ends with the run",
       .tag = "agent",
       .requires_auth = true,
       .response_schema = {{"type", "string"}},
       .response_content_type = "text/event-stream",
       .error_statuses = {400, 403, 404}},
      [&s](Request& request) {
        const auto p = s.authenticator.require(request);
        const std::string id = request.param("runId");
        const json run = s.runs.get(p.user_id, id);
        // From the run's start unless the client resumes (Last-Event-ID): a late client sees every step.
        const long long asked = events::last_event_id(request);
        const long long resume = asked > 0 ? asked : run.value("events_after", 0LL);
        return Response::event_stream(
            [&s, user = p.user_id, id, resume](std::shared_ptr<http::StreamSink> sink) {
              auto sub = std::make_shared<events::Subscription>();
              sub->user_id = user;
              sub->entity_id = id;
              sub->sink = sink;
              sub->closing_kinds = {"agent.run.succeeded", "agent.run.failed", "agent.run.cancelled"};
              // Replayed from the start (or Last-Event-ID): a late client still sees every step.
              s.bus.subscribe(sub, resume, true);
            });
      });
  router.add(
      "POST", "/api/v1/custom-connectors/builder/runs",
      {.operation_id = "startBuilderRun",
       .summary = "Starts an AI builder run: drafts of a Lua connector from a description and sample "
                  "responses, validated and tested after each until one passes",
       .tag = "custom-connectors",
       .requires_auth = true,
       .request_schema = {{"type", "object"},
                          {"required", {"description"}},
                          {"properties",
                           {{"description", {{"type", "string"}}},
                            {"samples", {{"type", {"array", "string"}}}},
                            {"name",
                             {{"type", "string"}, {"description", "save a passing script under this name"}}},
                            {"config", {{"type", "object"}}},
                            {"credentials", {{"type", "object"}}},
                            {"table", {{"type", "string"}}},
                            {"max_tries", {{"type", "integer"}, {"minimum", 1}, {"maximum", 10}}},
                            {"model", {{"type", "string"}}}}}},
       .success_status = 202,
       .response_schema = schemas::object(),
       .error_statuses = {403, 409, 422, 429}},
      [&s](Request& request) {
        const auto p = s.authenticator.require(request);
        return Response::json(202, s.runs.start_builder(p.user_id, http::parse_json_object(request)));
      });
  router.add("GET", "/api/v1/agent/usage",
             {.operation_id = "getAgentUsage",
              .summary = "This month's agent token usage by model, and the warning limit",
              .tag = "agent",
              .requires_auth = true,
              .response_schema = schemas::object(),
              .error_statuses = {403}},
             [&s](Request& request) {
               return Response::json(200, s.runs.usage(s.authenticator.require(request).user_id));
             });
  router.add("GET", "/api/v1/agent/settings",
             {.operation_id = "getAgentSettings",
              .summary = "Your model endpoint, default model and warning limit (the key is never shown)",
              .tag = "agent",
              .requires_auth = true,
              .response_schema = schemas::object(),
              .error_statuses = {403}},
             [&s](Request& request) {
               return Response::json(200, s.runs.settings(s.authenticator.require(request).user_id));
             });
  router.add(
      "PUT", "/api/v1/agent/settings",
      {.operation_id = "putAgentSettings",
       .summary = "Sets your own OpenAI-compatible endpoint, key (encrypted at rest), default model and "
                  "token warning limit; null resets one to the deployment's",
       .tag = "agent",
       .requires_auth = true,
       .request_schema = {{"type", "object"},
                          {"properties",
                           {{"base_url", {{"type", {"string", "null"}}}},
                            {"api_key", {{"type", {"string", "null"}}}},
                            {"default_model", {{"type", {"string", "null"}}}},
                            {"token_warning_limit", {{"type", {"integer", "null"}}}}}}},
       .response_schema = schemas::object(),
       .error_statuses = {403, 422}},
      [&s](Request& request) {
        const auto p = s.authenticator.require(request);
        return Response::json(200, s.runs.put_settings(p.user_id, http::parse_json_object(request)));
      });
}

}  // namespace scratch::agent

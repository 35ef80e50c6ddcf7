// Suggestions and agent tokens under /api/v1/snapshots/{id}.
#include "http/json_body.hpp"
#include "http/query_params.hpp"
#include "http/validation.hpp"
#include "snapshots/agent_capabilities.hpp"
#include "snapshots/snapshot_routes.hpp"
#include "snapshots/snapshot_schemas.hpp"

namespace scratch::snapshots {

using http::Request;
using http::Response;
using nlohmann::json;

namespace {

json capability_names() {
  json names = json::array();
  for (const auto& c : agent_capabilities())
    names.push_back(c.name);
  return names;
}

// Each kind of suggestion needs its own capability.
void require_suggest_capabilities(const auth::Principal& p, const json& body) {
  const auto has_items = [&](const char* key) {
    return body.contains(key) && body[key].is_array() && !body[key].empty();
  };
  if (has_items("updates")) require_capability(p, "suggest_update");
  if (has_items("creates")) require_capability(p, "suggest_create");
  if (has_items("deletes")) require_capability(p, "suggest_delete");
}

}  // namespace

void add_suggestion_routes(http::Router& router, SnapshotServices& s) {
  const std::string base = "/api/v1/snapshots/{id}";
  const json decide_body = {{"type", "object"},
                            {"properties",
                             {{"items", {{"type", "array"}, {"items", {{"type", "object"}}}}},
                              {"table_id", {{"type", "string"}}},
                              {"filter", {{"type", "object"}}},
                              {"all", {{"type", "boolean"}}}}}};

  router.add(
      "POST", base + "/suggestions",
      {.operation_id = "suggestChanges",
       .summary = "Suggest values, new records and deletions (owner or agent token); nothing changes until "
                  "the owner accepts",
       .tag = "suggestions",
       .requires_auth = true,
       .request_schema = {{"type", "object"},
                          {"required", {"table_id"}},
                          {"properties",
                           {{"table_id", {{"type", "string"}}},
                            {"updates", {{"type", "array"}, {"items", {{"type", "object"}}}}},
                            {"creates", {{"type", "array"}, {"items", {{"type", "object"}}}}},
                            {"deletes", {{"type", "array"}, {"items", {{"type", "string"}}}}}}}},
       .response_schema = schemas::object(),
       .error_statuses = {403, 404, 409, 422}},
      [&](Request& request) {
        const auto p = s.access.require(request, request.param("id"), Need::suggest);
        const json body = http::parse_json_object(request);
        require_suggest_capabilities(p, body);
        return Response::json(200, s.suggestions.suggest(p.user_id, request.param("id"), body));
      });
  router.add("GET", base + "/suggestions",
             {.operation_id = "listSuggestions",
              .summary = "Pending suggestions: current and suggested values",
              .tag = "suggestions",
              .requires_auth = true,
              .response_schema = schemas::object(),
              .error_statuses = {400, 403, 404}},
             [&](Request& request) {
               s.access.require(request, request.param("id"), Need::read);
               const int limit = static_cast<int>(http::query_integer(request, "limit", 100, 1, 1000));
               const std::string table = request.query.count("table_id") ? request.query.at("table_id") : "";
               const std::string cursor = request.query.count("cursor") ? request.query.at("cursor") : "";
               return Response::json(200, s.suggestions.list(request.param("id"), table, limit, cursor));
             });
  for (const bool accept : {true, false}) {
    router.add(
        "POST", base + (accept ? "/suggestions/accept" : "/suggestions/reject"),
        {.operation_id = accept ? "acceptSuggestions" : "rejectSuggestions",
         .summary =
             accept ? "Accept suggestions (they become edits): some records/fields, a filter's worth, or all"
                    : "Reject suggestions: some records/fields, a filter's worth, or all",
         .tag = "suggestions",
         .requires_auth = true,
         .request_schema = decide_body,
         .response_schema = schemas::object(),
         .error_statuses = {400, 403, 404, 422}},
        [&s, accept](Request& request) {
          const auto p = s.access.require(request, request.param("id"), Need::owner);
          const json body = http::parse_json_object(request);
          return Response::json(200, accept ? s.suggestions.accept(p.user_id, request.param("id"), body)
                                            : s.suggestions.reject(p.user_id, request.param("id"), body));
        });
  }

  const json token = {{"type", "object"},
                      {"properties",
                       {{"id", {{"type", "string"}}},
                        {"name", {{"type", "string"}}},
                        {"prefix", {{"type", "string"}}},
                        {"capabilities", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                        {"expires_at", {{"type", "string"}}},
                        {"created_at", {{"type", "string"}}},
                        {"last_used_at", {{"type", {"string", "null"}}}},
                        {"token", {{"type", "string"}, {"description", "the secret; only when created"}}}}}};
  router.add(
      "POST", base + "/agent-tokens",
      {.operation_id = "createAgentToken",
       .summary = "A token for an AI agent: this snapshot only, read and suggest only, expiring; shown once",
       .tag = "suggestions",
       .requires_auth = true,
       .request_schema = {{"type", "object"},
                          {"required", {"name"}},
                          {"properties",
                           {{"name", {{"type", "string"}}},
                            {"expires_in_hours",
                             {{"type", "integer"}, {"minimum", 1}, {"maximum", kMaxAgentTokenHours}}},
                            {"capabilities",
                             {{"type", "array"},
                              {"items", {{"type", "string"}, {"enum", capability_names()}}},
                              {"description", "what the agent may do (default: read, suggest)"}}}}}},
       .success_status = 201,
       .response_schema = token,
       .error_statuses = {403, 404, 422}},
      [&](Request& request) {
        const auto p = s.access.require(request, request.param("id"), Need::owner);
        const json body = http::parse_json_object(request);
        http::FieldReader f(body);
        f.allow_only({"name", "expires_in_hours", "capabilities"});
        const std::string name = f.required_string("name", 1, 200);
        const auto hours = f.optional_integer("expires_in_hours", 1, kMaxAgentTokenHours);
        f.finish();
        const auto caps = parse_capabilities(body.value("capabilities", json()));
        return Response::json(201, s.agent_tokens.create(p.user_id, request.param("id"), name,
                                                         hours.value_or(kDefaultAgentTokenHours), caps));
      });
  router.add("GET", base + "/agent-tokens",
             {.operation_id = "listAgentTokens",
              .summary = "Live agent tokens of the snapshot (no secrets)",
              .tag = "suggestions",
              .requires_auth = true,
              .response_schema = schemas::items_of(token),
              .error_statuses = {403, 404}},
             [&](Request& request) {
               const auto p = s.access.require(request, request.param("id"), Need::owner);
               return Response::json(200, s.agent_tokens.list(p.user_id, request.param("id")));
             });
  router.add("DELETE", base + "/agent-tokens/{tokenId}",
             {.operation_id = "revokeAgentToken",
              .summary = "Revoke an agent token at once",
              .tag = "suggestions",
              .requires_auth = true,
              .success_status = 204,
              .error_statuses = {403, 404}},
             [&](Request& request) {
               const auto p = s.access.require(request, request.param("id"), Need::owner);
               if (!s.agent_tokens.revoke(p.user_id, request.param("id"), request.param("tokenId")))
                 throw http::errors::not_found("agent token " + request.param("tokenId"));
               return Response::no_content();
             });
}

}  // namespace scratch::snapshots

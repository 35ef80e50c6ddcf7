// The agent tools over HTTP, the reference library (files and style guides) and @-mention search.
#include <algorithm>

#include "agent/agent_services.hpp"
#include "http/json_body.hpp"
#include "http/query_params.hpp"
#include "snapshots/agent_capabilities.hpp"
#include "snapshots/snapshot_schemas.hpp"

namespace scratch::agent {
namespace {

using http::Request;
using http::Response;
using nlohmann::json;
namespace schemas = snapshots::schemas;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool contains_ci(const std::string& hay, const std::string& needle) {
  return lower(hay).find(lower(needle)) != std::string::npos;
}

// The first text value of a record, to show it in a mention list.
std::string record_label(const json& record, const json& fields) {
  const json& values = record.value("values", json::object());
  for (const auto& f : fields) {
    const std::string id = f.value("id", "");
    if (values.contains(id) && values[id].is_string() && !values[id].get<std::string>().empty()) {
      std::string text = values[id];
      if (text.size() > 80) text = text.substr(0, 77) + "...";
      return text;
    }
  }
  return "record " + record.value("id", std::string());
}

void add_tool_endpoints(http::Router& router, AgentServices& s) {
  router.add("GET", "/api/v1/agent/capabilities",
             {.operation_id = "listAgentCapabilities",
              .summary = "The capabilities an agent token can carry, and what each allows",
              .tag = "agent",
              .response_schema = schemas::object()},
             [](Request&) {
               json items = json::array();
               for (const auto& c : snapshots::agent_capabilities())
                 items.push_back({{"name", c.name}, {"description", c.description}});
               return Response::json(200, {{"items", items}});
             });
  router.add("GET", "/api/v1/snapshots/{id}/agent/tools",
             {.operation_id = "listAgentTools",
              .summary = "The agent tools this caller may use on the snapshot, with their JSON Schemas",
              .tag = "agent",
              .requires_auth = true,
              .response_schema = schemas::object(),
              .error_statuses = {403, 404}},
             [&s](Request& request) {
               const auto p = s.snapshots.access.require(request, request.param("id"), snapshots::Need::read);
               return Response::json(200, {{"tools", s.tools.describe(p)}});
             });
  router.add(
      "POST", "/api/v1/snapshots/{id}/agent/tools/{name}",
      {.operation_id = "callAgentTool",
       .summary = "Calls an agent tool with its arguments (JSON object); writes are suggestions only",
       .tag = "agent",
       .requires_auth = true,
       .request_schema = schemas::object(),
       .request_body_optional = true,
       .response_schema = schemas::object(),
       .error_statuses = {400, 403, 404, 409, 413, 422}},
      [&s](Request& request) {
        const auto p = s.snapshots.access.require(request, request.param("id"), snapshots::Need::read);
        const json args = request.body.empty() ? json::object() : http::parse_json_object(request);
        return Response::json(200, s.tools.call({p, request.param("id")}, request.param("name"), args));
      });
}

void add_library_endpoints(http::Router& router, AgentServices& s) {
  const json file_body = {
      {"type", "object"},
      {"required", {"name", "content"}},
      {"properties",
       {{"name", {{"type", "string"}, {"description", "ends in .md, .markdown or .txt"}}},
        {"content", {{"type", "string"}}},
        {"content_type", {{"type", "string"}, {"enum", {"text/markdown", "text/plain"}}}}}}};
  router.add("POST", "/api/v1/reference-files",
             {.operation_id = "uploadReferenceFile",
              .summary = "Uploads a Markdown or text reference file for agents (size-capped)",
              .tag = "agent",
              .requires_auth = true,
              .request_schema = file_body,
              .success_status = 201,
              .response_schema = schemas::object(),
              .error_statuses = {403, 413, 415, 422},
              .max_body_bytes = s.library.max_file_bytes() * 2 + 4096},  // JSON escaping can double it
             [&s](Request& request) {
               const auto p = s.authenticator.require(request);
               const json body = http::parse_json_object(request);
               if (!body.contains("name") || !body["name"].is_string())
                 throw http::errors::validation("name", "required string");
               if (!body.contains("content") || !body["content"].is_string())
                 throw http::errors::validation("content", "required string");
               return Response::json(
                   201, s.library.add_file(p.user_id, body["name"], body.value("content_type", ""),
                                           body["content"]));
             });
  router.add("GET", "/api/v1/reference-files",
             {.operation_id = "listReferenceFiles",
              .summary = "The caller's reference files (without content)",
              .tag = "agent",
              .requires_auth = true,
              .response_schema = schemas::object(),
              .error_statuses = {403}},
             [&s](Request& request) {
               return Response::json(200, s.library.files(s.authenticator.require(request).user_id));
             });
  router.add("GET", "/api/v1/reference-files/{fileId}",
             {.operation_id = "getReferenceFile",
              .summary = "One reference file with its content",
              .tag = "agent",
              .requires_auth = true,
              .response_schema = schemas::object(),
              .error_statuses = {403, 404}},
             [&s](Request& request) {
               return Response::json(
                   200, s.library.file(s.authenticator.require(request).user_id, request.param("fileId")));
             });
  router.add("DELETE", "/api/v1/reference-files/{fileId}",
             {.operation_id = "deleteReferenceFile",
              .summary = "Deletes a reference file",
              .tag = "agent",
              .requires_auth = true,
              .success_status = 204,
              .error_statuses = {403, 404}},
             [&s](Request& request) {
               s.library.remove_file(s.authenticator.require(request).user_id, request.param("fileId"));
               return Response::no_content();
             });

  const json guide_body = {
      {"type", "object"},
      {"properties",
       {{"name", {{"type", "string"}}},
        {"body", {{"type", "string"}, {"description", "Markdown"}}},
        {"auto_include", {{"type", "boolean"}, {"description", "add to every agent run"}}}}}};
  router.add("POST", "/api/v1/style-guides",
             {.operation_id = "createStyleGuide",
              .summary = "Creates a style guide (a named Markdown document, optionally in every agent run)",
              .tag = "agent",
              .requires_auth = true,
              .request_schema = guide_body,
              .success_status = 201,
              .response_schema = schemas::object(),
              .error_statuses = {403, 409, 422}},
             [&s](Request& request) {
               const auto p = s.authenticator.require(request);
               return Response::json(201, s.library.add_guide(p.user_id, http::parse_json_object(request)));
             });
  router.add("GET", "/api/v1/style-guides",
             {.operation_id = "listStyleGuides",
              .summary = "The caller's style guides",
              .tag = "agent",
              .requires_auth = true,
              .response_schema = schemas::object(),
              .error_statuses = {403}},
             [&s](Request& request) {
               return Response::json(200, s.library.guides(s.authenticator.require(request).user_id));
             });
  router.add("GET", "/api/v1/style-guides/{guideId}",
             {.operation_id = "getStyleGuide",
              .summary = "One style guide",
              .tag = "agent",
              .requires_auth = true,
              .response_schema = schemas::object(),
              .error_statuses = {403, 404}},
             [&s](Request& request) {
               return Response::json(
                   200, s.library.guide(s.authenticator.require(request).user_id, request.param("guideId")));
             });
  router.add("PATCH", "/api/v1/style-guides/{guideId}",
             {.operation_id = "updateStyleGuide",
              .summary = "Renames, rewrites or (un)sets auto-include of a style guide",
              .tag = "agent",
              .requires_auth = true,
              .request_schema = guide_body,
              .response_schema = schemas::object(),
              .error_statuses = {403, 404, 409, 422}},
             [&s](Request& request) {
               const auto p = s.authenticator.require(request);
               return Response::json(200, s.library.update_guide(p.user_id, request.param("guideId"),
                                                                 http::parse_json_object(request)));
             });
  router.add("DELETE", "/api/v1/style-guides/{guideId}",
             {.operation_id = "deleteStyleGuide",
              .summary = "Deletes a style guide",
              .tag = "agent",
              .requires_auth = true,
              .success_status = 204,
              .error_statuses = {403, 404}},
             [&s](Request& request) {
               s.library.remove_guide(s.authenticator.require(request).user_id, request.param("guideId"));
               return Response::no_content();
             });
}

void add_mention_endpoint(http::Router& router, AgentServices& s) {
  router.add(
      "GET", "/api/v1/snapshots/{id}/mentions",
      {.operation_id = "searchMentions",
       .summary = "@-mention autocomplete: tables, records, reference files and style guides matching q",
       .tag = "agent",
       .requires_auth = true,
       .response_schema = schemas::object(),
       .error_statuses = {400, 403, 404}},
      [&s](Request& request) {
        const std::string snapshot_id = request.param("id");
        const auto p = s.snapshots.access.require(request, snapshot_id, snapshots::Need::read);
        const std::string q = request.query.count("q") ? request.query.at("q") : "";
        if (q.empty() || q.size() > 200) throw http::errors::validation("q", "1 to 200 characters");
        const auto limit = static_cast<std::size_t>(http::query_integer(request, "limit", 20, 1, 100));
        json items = json::array();
        const auto add = [&](json item) {
          if (items.size() < limit) items.push_back(std::move(item));
        };
        const json tables = s.snapshots.snapshots.list_tables(snapshot_id)["items"];
        for (const auto& t : tables)
          if (contains_ci(t.value("name", ""), q))
            add({{"type", "table"}, {"id", t["id"]}, {"label", t["name"]}});
        for (const auto& t : tables) {
          if (items.size() >= limit) break;
          const auto params = snapshots::list_params_from_body({{"search", q}, {"limit", 5}});
          const json page = json::parse(s.snapshots.reader.list(snapshot_id, t["id"], params));
          for (const auto& r : page["items"])
            add({{"type", "record"},
                 {"id", r["id"]},
                 {"table_id", t["id"]},
                 {"label", record_label(r, t["fields"])},
                 {"detail", t["name"]}});
        }
        if (snapshots::has_capability(p, "read_uploads")) {
          const json files = s.library.files(p.user_id), guides = s.library.guides(p.user_id);
          for (const auto& f : files["items"])
            if (contains_ci(f.value("name", ""), q))
              add({{"type", "file"}, {"id", f["id"]}, {"label", f["name"]}});
          for (const auto& g : guides["items"])
            if (contains_ci(g.value("name", ""), q))
              add({{"type", "style_guide"}, {"id", g["id"]}, {"label", g["name"]}});
        }
        return Response::json(200, {{"items", items}});
      });
}

}  // namespace

void add_agent_tool_routes(http::Router& router, AgentServices& s) {
  add_tool_endpoints(router, s);
  add_library_endpoints(router, s);
  add_mention_endpoint(router, s);
}

}  // namespace scratch::agent

// The connector-building tools (capability build_connectors): the contract, validate, test and save a
// version of a custom Lua connector, for an AI builder over MCP and for the in-server builder loop.
#include "agent/agent_tools.hpp"
#include "custom_connectors/custom_connector_service.hpp"
#include "http/problem.hpp"

namespace scratch::agent {
namespace {

using nlohmann::json;

json script_schema() {
  return {{"type", "string"}, {"minLength", 1}, {"description", "the whole Lua 5.4 script"}};
}

}  // namespace

void AgentTools::add_builder_tools() {
  auto& cc = connectors_;
  add({"get_connector_contract",
       "Returns the machine-readable contract a Lua connector script must follow: the functions (spec, "
       "check, "
       "list_tables, read, write), their arguments and result schemas, host modules and limits.",
       {{"type", "object"}, {"properties", json::object()}, {"additionalProperties", false}},
       "build_connectors",
       false,
       [&cc](const ToolContext&, const json&) { return cc.contract(); }});
  add({"validate_connector",
       "Validates a Lua connector script: syntax errors with line and column, missing or mistyped contract "
       "functions, and whether spec() returns a valid spec. Returns {valid, errors: [{kind, message, line, "
       "column, function}], spec, functions}.",
       {{"type", "object"},
        {"properties", {{"script", script_schema()}}},
        {"required", {"script"}},
        {"additionalProperties", false}},
       "build_connectors",
       false,
       [&cc](const ToolContext& c, const json& args) {
         return cc.validate(c.principal.user_id, {{"script", args["script"]}});
       }});
  add({"test_connector",
       "Test-runs a Lua connector script against a config: spec, check, list_tables and the first read page "
       "(write only when asked), each step with status, duration, a sample, logs and errors with line "
       "numbers "
       "and tracebacks. Returns {ok, steps}.",
       {{"type", "object"},
        {"properties",
         {{"script", script_schema()},
          {"config", {{"type", "object"}}},
          {"credentials", {{"type", "object"}}},
          {"table", {{"type", "string"}}},
          {"write", {{"type", "object"}}}}},
        {"required", {"script"}},
        {"additionalProperties", false}},
       "build_connectors",
       false,
       [&cc](const ToolContext& c, const json& args) { return cc.test(c.principal.user_id, args); }});
  add({"save_connector_version",
       "Saves a script as the next version of the owner's custom connector `name` (creating the connector if "
       "it does not exist). Returns the connector id and the version number.",
       {{"type", "object"},
        {"properties",
         {{"name", {{"type", "string"}, {"minLength", 1}, {"maxLength", 100}}}, {"script", script_schema()}}},
        {"required", {"name", "script"}},
        {"additionalProperties", false}},
       "build_connectors",
       false,
       [&cc](const ToolContext& c, const json& args) {
         const std::string name = args["name"];
         for (const auto& existing : cc.list(c.principal.user_id)) {
           if (existing.value("name", "") != name) continue;
           const std::string id = existing["id"];
           const json v = cc.add_version(c.principal.user_id, id, {{"script", args["script"]}});
           return json{{"connector_id", id}, {"name", name}, {"version", v}};
         }
         const json created = cc.create(c.principal.user_id, {{"name", name}, {"script", args["script"]}});
         return json{{"connector_id", created["id"]}, {"name", name}, {"version", created["version"]}};
       }});
}

}  // namespace scratch::agent

#include "custom_connectors/custom_connector_routes.hpp"

#include "http/json_body.hpp"

namespace scratch::custom_connectors {
namespace {

using http::Request;
using http::Response;
using nlohmann::json;

const json kString = {{"type", "string"}};
const json kProblemEntry = {
    {"type", "object"},
    {"properties",
     {{"kind", {{"enum", {"syntax", "runtime", "limit", "contract", "spec", "host"}}}},
      {"message", kString},
      {"line", {{"type", "integer"}}},
      {"column", {{"type", "integer"}}},
      {"function", kString},
      {"field", kString},
      {"limit", kString},
      {"traceback", kString}}}};
const json kValidation = {{"type", "object"},
                          {"required", {"valid", "errors", "spec", "functions"}},
                          {"properties",
                           {{"valid", {{"type", "boolean"}}},
                            {"errors", {{"type", "array"}, {"items", kProblemEntry}}},
                            {"spec", {{"type", {"object", "null"}}}},
                            {"functions",
                             {{"type", "object"},
                              {"description",
                               "contract function -> Lua type of that global (\"function\", "
                               "\"nil\", ...)"}}}}}};
const json kVersion = {{"type", "object"},
                       {"properties",
                        {{"connector_id", {{"type", "string"}, {"format", "uuid"}}},
                         {"version", {{"type", "integer"}}},
                         {"connector", {{"type", "string"}, {"description", "custom:<id>@<version>"}}},
                         {"valid", {{"type", "boolean"}}},
                         {"spec", {{"type", {"object", "null"}}}},
                         {"validation", kValidation},
                         {"script", {{"type", "string"}, {"description", "only on GET .../versions/{n}"}}},
                         {"created_at", {{"type", "string"}, {"format", "date-time"}}}}}};
const json kConnector = {
    {"type", "object"},
    {"properties",
     {{"id", {{"type", "string"}, {"format", "uuid"}}},
      {"name", kString},
      {"latest_version", {{"type", "integer"}}},
      {"connector", {{"type", "string"}, {"description", "custom:<id>@<latest_version>"}}},
      {"version", kVersion},
      {"versions", {{"type", "array"}, {"items", kVersion}}},
      {"created_at", {{"type", "string"}, {"format", "date-time"}}},
      {"updated_at", {{"type", "string"}, {"format", "date-time"}}}}}};
const json kStep = {
    {"type", "object"},
    {"properties",
     {{"name", {{"enum", {"spec", "check", "list_tables", "read", "write"}}}},
      {"status", {{"enum", {"ok", "error", "skipped"}}}},
      {"duration_ms", {{"type", "number"}}},
      {"sample", {{"description", "the step's result, truncated (first 3 tables, records or results)"}}},
      {"logs", {{"type", "array"}, {"items", {{"type", "object"}}}}},
      {"error",
       {{"type", "object"},
        {"properties",
         {{"code", kString},
          {"message", kString},
          {"line", {{"type", "integer"}}},
          {"traceback", kString},
          {"function", kString}}}}}}}};
const json kScriptSource = {
    {"script", {{"type", "string"}, {"description", "a script inline, or connector_id and version"}}},
    {"connector_id", {{"type", "string"}, {"format", "uuid"}}},
    {"version", {{"type", "integer"}, {"minimum", 1}}}};

json merged(json base, const json& more) {
  for (const auto& [k, v] : more.items())
    base[k] = v;
  return base;
}

}  // namespace

void add_custom_connector_routes(http::Router& router, CustomConnectorService& service,
                                 const auth::Authenticator& authenticator) {
  const std::string base = "/api/v1/custom-connectors";
  router.add("POST", base,
             {.operation_id = "createCustomConnector",
              .summary = "Create a custom (Lua) connector: its script becomes version 1, saved even when it "
                         "does not validate (see version.validation)",
              .tag = "custom-connectors",
              .requires_auth = true,
              .request_schema = {{"type", "object"},
                                 {"required", {"name", "script"}},
                                 {"properties", {{"name", kString}, {"script", kString}}}},
              .success_status = 201,
              .response_schema = kConnector,
              .error_statuses = {409}},
             [&](Request& request) {
               const auto p = authenticator.require(request);
               return Response::json(201, service.create(p.user_id, http::parse_json_object(request)));
             });
  router.add("GET", base,
             {.operation_id = "listCustomConnectors",
              .summary = "Your custom connectors",
              .tag = "custom-connectors",
              .requires_auth = true,
              .response_schema = {{"type", "object"},
                                  {"properties", {{"items", {{"type", "array"}, {"items", kConnector}}}}}}},
             [&](Request& request) {
               const auto p = authenticator.require(request);
               return Response::json(200, {{"items", service.list(p.user_id)}});
             });
  router.add("GET", base + "/contract",
             {.operation_id = "getLuaContract",
              .summary = "The Lua connector contract: prose, JSON Schemas of each function's result, the "
                         "globals a script sees, and the limits",
              .tag = "custom-connectors",
              .requires_auth = true,
              .response_schema = {{"type", "object"},
                                  {"properties",
                                   {{"prose", kString},
                                    {"schemas", {{"type", "object"}}},
                                    {"functions", {{"type", "array"}}},
                                    {"globals", {{"type", "array"}}},
                                    {"modules", {{"type", "array"}, {"items", kString}}},
                                    {"limits", {{"type", "object"}}}}}}},
             [&](Request& request) {
               authenticator.require(request);
               return Response::json(200, service.contract());
             });
  router.add("POST", base + "/validate",
             {.operation_id = "validateCustomConnector",
              .summary = "Validate a script (inline or a saved version): syntax errors with line and column, "
                         "missing or mistyped contract functions, a spec() that fails or does not validate",
              .tag = "custom-connectors",
              .requires_auth = true,
              .request_schema = {{"type", "object"}, {"properties", kScriptSource}},
              .response_schema = kValidation,
              .error_statuses = {404}},
             [&](Request& request) {
               const auto p = authenticator.require(request);
               return Response::json(200, service.validate(p.user_id, http::parse_json_object(request)));
             });
  router.add(
      "POST", base + "/test",
      {.operation_id = "testCustomConnector",
       .summary = "Run spec, check, list_tables, the first read page and (when asked) a write against the "
                  "given settings; each step with status, duration, a sample, logs and errors",
       .tag = "custom-connectors",
       .requires_auth = true,
       .request_schema = {{"type", "object"},
                          {"properties",
                           merged(
                               kScriptSource,
                               {{"config", {{"type", "object"}}},
                                {"credentials", {{"type", "object"}}},
                                {"table", {{"type", "string"}, {"description", "default: the first table"}}},
                                {"write",
                                 {{"type", "object"},
                                  {"properties", {{"table", kString}, {"ops", {{"type", "array"}}}}}}}})}},
       .response_schema = {{"type", "object"},
                           {"properties",
                            {{"ok", {{"type", "boolean"}}},
                             {"steps", {{"type", "array"}, {"items", kStep}}}}}},
       .error_statuses = {404}},
      [&](Request& request) {
        const auto p = authenticator.require(request);
        return Response::json(200, service.test(p.user_id, http::parse_json_object(request)));
      });
  router.add("GET", base + "/{id}",
             {.operation_id = "getCustomConnector",
              .summary = "One custom connector with its versions (without scripts)",
              .tag = "custom-connectors",
              .requires_auth = true,
              .response_schema = kConnector,
              .error_statuses = {404}},
             [&](Request& request) {
               const auto p = authenticator.require(request);
               return Response::json(200, service.get(p.user_id, request.param("id")));
             });
  router.add("PATCH", base + "/{id}",
             {.operation_id = "updateCustomConnector",
              .summary = "Rename a custom connector",
              .tag = "custom-connectors",
              .requires_auth = true,
              .request_schema = {{"type", "object"}, {"properties", {{"name", kString}}}},
              .response_schema = kConnector,
              .error_statuses = {404, 409}},
             [&](Request& request) {
               const auto p = authenticator.require(request);
               return Response::json(
                   200, service.update(p.user_id, request.param("id"), http::parse_json_object(request)));
             });
  router.add("DELETE", base + "/{id}",
             {.operation_id = "deleteCustomConnector",
              .summary = "Delete a custom connector and its versions (409 while accounts use it)",
              .tag = "custom-connectors",
              .requires_auth = true,
              .success_status = 204,
              .error_statuses = {404, 409}},
             [&](Request& request) {
               const auto p = authenticator.require(request);
               service.remove(p.user_id, request.param("id"));
               return Response::no_content();
             });
  router.add(
      "POST", base + "/{id}/versions",
      {.operation_id = "createCustomConnectorVersion",
       .summary = "Save a new immutable version (n+1) of the script; accounts keep the version they pin",
       .tag = "custom-connectors",
       .requires_auth = true,
       .request_schema = {{"type", "object"},
                          {"required", {"script"}},
                          {"properties", {{"script", kString}}}},
       .success_status = 201,
       .response_schema = kVersion,
       .error_statuses = {404}},
      [&](Request& request) {
        const auto p = authenticator.require(request);
        return Response::json(
            201, service.add_version(p.user_id, request.param("id"), http::parse_json_object(request)));
      });
  router.add("GET", base + "/{id}/versions",
             {.operation_id = "listCustomConnectorVersions",
              .summary = "The connector's versions with their validation (without scripts)",
              .tag = "custom-connectors",
              .requires_auth = true,
              .response_schema = {{"type", "object"},
                                  {"properties", {{"items", {{"type", "array"}, {"items", kVersion}}}}}},
              .error_statuses = {404}},
             [&](Request& request) {
               const auto p = authenticator.require(request);
               return Response::json(200, {{"items", service.versions(p.user_id, request.param("id"))}});
             });
  router.add("GET", base + "/{id}/versions/{version}",
             {.operation_id = "getCustomConnectorVersion",
              .summary = "One version with its script",
              .tag = "custom-connectors",
              .requires_auth = true,
              .response_schema = kVersion,
              .error_statuses = {404}},
             [&](Request& request) {
               const auto p = authenticator.require(request);
               return Response::json(
                   200, service.version(p.user_id, request.param("id"), request.param("version")));
             });
}

}  // namespace scratch::custom_connectors

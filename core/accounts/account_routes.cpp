#include "accounts/account_routes.hpp"

#include <charconv>

#include "http/json_body.hpp"
#include "http/validation.hpp"

namespace scratch::accounts {
namespace {

using http::Request;
using http::Response;
using nlohmann::json;

const json kAccount = {
    {"type", "object"},
    {"properties",
     {{"id", {{"type", "string"}, {"format", "uuid"}}},
      {"connector", {{"type", "string"}}},
      {"display_name", {{"type", "string"}}},
      {"config", {{"type", "object"}}},
      {"credentials",
       {{"type", "object"}, {"description", "the keys that are set, each masked as ********"}}},
      {"created_at", {{"type", "string"}, {"format", "date-time"}}},
      {"updated_at", {{"type", "string"}, {"format", "date-time"}}}}}};

}  // namespace

void add_connector_routes(http::Router& router, connectors::Connectors& connectors,
                          const auth::Authenticator& authenticator) {
  router.add("GET", "/api/v1/connectors",
             {.operation_id = "listConnectors",
              .summary = "Installed connector types with their spec (settings schemas, capabilities, limits)",
              .tag = "connectors",
              .requires_auth = true,
              .response_schema = {{"type", "object"},
                                  {"properties",
                                   {{"items", {{"type", "array"}, {"items", {{"type", "object"}}}}}}}}},
             [&](Request& request) {
               authenticator.require(request);
               json items = json::array();
               const json catalog = connectors.catalog();
               for (const auto& p : catalog["plugins"]) {
                 items.push_back({{"name", p["name"]},
                                  {"version", p["version"]},
                                  {"abi_version", p["abi_version"]},
                                  {"spec", p["spec"]}});
               }
               return Response::json(200, {{"items", items}});
             });
}

void add_account_routes(http::Router& router, AccountService& accounts,
                        const auth::Authenticator& authenticator) {
  const std::string base = "/api/v1/connector-accounts";
  router.add(
      "POST", base,
      {.operation_id = "createConnectorAccount",
       .summary = "Configure a source: connector type, name, settings and credentials (encrypted at rest)",
       .tag = "connector-accounts",
       .requires_auth = true,
       .request_schema = {{"type", "object"},
                          {"required", {"connector", "display_name"}},
                          {"properties",
                           {{"connector", {{"type", "string"}}},
                            {"display_name", {{"type", "string"}}},
                            {"config", {{"type", "object"}}},
                            {"credentials", {{"type", "object"}}},
                            {"upload_id",
                             {{"type", "string"}, {"description", "for file connectors (CSV)"}}}}}},
       .success_status = 201,
       .response_schema = kAccount},
      [&](Request& request) {
        const auto p = authenticator.require(request);
        return Response::json(201, accounts.create(p.user_id, http::parse_json_object(request)));
      });
  router.add("GET", base,
             {.operation_id = "listConnectorAccounts",
              .summary = "Your connector accounts (credentials masked)",
              .tag = "connector-accounts",
              .requires_auth = true,
              .response_schema = {{"type", "object"},
                                  {"properties", {{"items", {{"type", "array"}, {"items", kAccount}}}}}}},
             [&](Request& request) {
               const auto p = authenticator.require(request);
               return Response::json(200, {{"items", accounts.list(p.user_id)}});
             });
  router.add("GET", base + "/{id}",
             {.operation_id = "getConnectorAccount",
              .summary = "One connector account (credentials masked)",
              .tag = "connector-accounts",
              .requires_auth = true,
              .response_schema = kAccount,
              .error_statuses = {404}},
             [&](Request& request) {
               const auto p = authenticator.require(request);
               return Response::json(200, accounts.get(p.user_id, request.param("id")));
             });
  router.add("PATCH", base + "/{id}",
             {.operation_id = "updateConnectorAccount",
              .summary = "Change name, settings or credentials (credentials are replaced whole)",
              .tag = "connector-accounts",
              .requires_auth = true,
              .request_schema = {{"type", "object"},
                                 {"properties",
                                  {{"display_name", {{"type", "string"}}},
                                   {"config", {{"type", "object"}}},
                                   {"credentials", {{"type", "object"}}}}}},
              .response_schema = kAccount,
              .error_statuses = {404}},
             [&](Request& request) {
               const auto p = authenticator.require(request);
               return Response::json(
                   200, accounts.update(p.user_id, request.param("id"), http::parse_json_object(request)));
             });
  router.add("DELETE", base + "/{id}",
             {.operation_id = "deleteConnectorAccount",
              .summary = "Delete a connector account and its files",
              .tag = "connector-accounts",
              .requires_auth = true,
              .success_status = 204,
              .error_statuses = {404, 409}},
             [&](Request& request) {
               const auto p = authenticator.require(request);
               accounts.remove(p.user_id, request.param("id"));
               return Response::no_content();
             });
  router.add(
      "GET", base + "/{id}/quota",
      {.operation_id = "getConnectorAccountQuota",
       .summary = "The account's daily request quota and today's use (for connectors that declare one)",
       .tag = "connector-accounts",
       .requires_auth = true,
       .response_schema = {{"type", "object"}},
       .error_statuses = {404}},
      [&](Request& request) {
        const auto p = authenticator.require(request);
        const auto quota = accounts.quota(p.user_id, request.param("id"));
        return Response::json(
            200, {{"quota", quota ? quota->second.to_json(quota->first) : nlohmann::json(nullptr)}});
      });
  router.add("POST", base + "/{id}/check",
             {.operation_id = "checkConnectorAccount",
              .summary = "Ask the connector whether it can reach the source with these settings",
              .tag = "connector-accounts",
              .requires_auth = true,
              .response_schema = {{"type", "object"}},
              .error_statuses = {404, 502, 504}},
             [&](Request& request) {
               const auto p = authenticator.require(request);
               return Response::json(200, accounts.run(p.user_id, request.param("id"), "check"));
             });
  router.add("GET", base + "/{id}/tables",
             {.operation_id = "listConnectorAccountTables",
              .summary = "The source's tables and fields, with canonical types",
              .tag = "connector-accounts",
              .requires_auth = true,
              .response_schema = {{"type", "object"}},
              .error_statuses = {404, 502, 504}},
             [&](Request& request) {
               const auto p = authenticator.require(request);
               return Response::json(200, accounts.run(p.user_id, request.param("id"), "list_tables"));
             });
  router.add("GET", base + "/{id}/files",
             {.operation_id = "listConnectorAccountFiles",
              .summary = "Files kept for the account (e.g. every version of a CSV source)",
              .tag = "connector-accounts",
              .requires_auth = true,
              .response_schema = {{"type", "object"}},
              .error_statuses = {404}},
             [&](Request& request) {
               const auto p = authenticator.require(request);
               return Response::json(200, {{"items", accounts.list_files(p.user_id, request.param("id"))}});
             });
  router.add("GET", base + "/{id}/files/{name}",
             {.operation_id = "downloadConnectorAccountFile",
              .summary = "Download one of the account's files",
              .tag = "connector-accounts",
              .requires_auth = true,
              .response_schema = {{"type", "string"}, {"format", "binary"}},
              .response_content_type = "application/octet-stream",
              .error_statuses = {404}},
             [&](Request& request) {
               const auto p = authenticator.require(request);
               const auto path = accounts.file_path(p.user_id, request.param("id"), request.param("name"));
               const bool csv = path.extension() == ".csv";
               return Response::file(path.string(), csv ? "text/csv" : "application/octet-stream");
             });
}

void add_upload_routes(http::Router& router, uploads::UploadService& uploads,
                       const auth::Authenticator& authenticator, std::size_t max_chunk_bytes) {
  router.add("POST", "/api/v1/uploads",
             {.operation_id = "createUpload",
              .summary = "Start a file upload; send its bytes in chunks, then name it in a connector account",
              .tag = "uploads",
              .requires_auth = true,
              .request_schema = {{"type", "object"},
                                 {"required", {"filename"}},
                                 {"properties", {{"filename", {{"type", "string"}}}}}},
              .success_status = 201,
              .response_schema = {{"type", "object"}}},
             [&](Request& request) {
               const auto p = authenticator.require(request);
               const json body = http::parse_json_object(request);
               http::FieldReader fields(body);
               fields.allow_only({"filename"});
               const std::string filename = fields.required_string("filename", 1, 255);
               fields.finish();
               return Response::json(201, uploads.create(p.user_id, filename));
             });
  router.add("PUT", "/api/v1/uploads/{id}/chunks/{offset}",
             {.operation_id = "appendUploadChunk",
              .summary = "Append raw bytes at byte offset {offset} (the upload's current size)",
              .tag = "uploads",
              .requires_auth = true,
              .request_schema = {{"type", "string"}, {"format", "binary"}},
              .response_schema = {{"type", "object"}},
              .error_statuses = {404, 409},
              .max_body_bytes = max_chunk_bytes,
              .request_content_type = "application/octet-stream"},
             [&](Request& request) {
               const auto p = authenticator.require(request);
               const std::string& text = request.param("offset");
               std::uint64_t offset = 0;
               const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), offset);
               if (ec != std::errc() || ptr != text.data() + text.size()) {
                 throw http::ApiError(400, "invalid_offset", "Invalid offset", "offset must be a byte count");
               }
               return Response::json(200,
                                     uploads.append(p.user_id, request.param("id"), offset, request.body));
             });
  router.add("GET", "/api/v1/uploads/{id}",
             {.operation_id = "getUpload",
              .summary = "An upload's size so far (to resume after a failed chunk)",
              .tag = "uploads",
              .requires_auth = true,
              .response_schema = {{"type", "object"}},
              .error_statuses = {404}},
             [&](Request& request) {
               const auto p = authenticator.require(request);
               return Response::json(200, uploads.get(p.user_id, request.param("id")));
             });
}

}  // namespace scratch::accounts

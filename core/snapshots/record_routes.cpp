// Routes under /api/v1/snapshots/{id}/tables/{tableId}/records.
#include <limits>

#include "http/json_body.hpp"
#include "http/query_params.hpp"
#include "snapshots/snapshot_routes.hpp"
#include "snapshots/snapshot_schemas.hpp"

namespace scratch::snapshots {
namespace {

using http::Request;
using http::Response;
using nlohmann::json;

json values_of(const Request& request) {
  const json body = http::parse_json_object(request);
  if (!body.contains("values")) throw http::errors::validation("values", "is required");
  for (const auto& [k, v] : body.items())
    if (k != "values") throw http::errors::validation(k, "unknown member");
  return body["values"];
}

}  // namespace

void add_record_routes(http::Router& router, SnapshotServices& s) {
  const std::string base = "/api/v1/snapshots/{id}/tables/{tableId}/records";
  const auto ids = [](const Request& r) { return std::pair{r.param("id"), r.param("tableId")}; };

  router.add(
      "GET", base,
      {.operation_id = "listRecords",
       .summary = "A page of records: filter (JSON), sort, full-text search, projection, keyset cursor; "
                  "no count unless include_total=true",
       .tag = "records",
       .requires_auth = true,
       .response_schema = schemas::record_page(),
       .error_statuses = {400, 403, 404}},
      [&, ids](Request& request) {
        const auto [sid, tid] = ids(request);
        s.access.require(request, sid, Need::read);
        return Response::text(200, s.reader.list(sid, tid, list_params_from_query(request.query)),
                              "application/json");
      });
  router.add("POST", base + "/query",
             {.operation_id = "queryRecords",
              .summary = "The same as listing, with the parameters in a JSON body",
              .tag = "records",
              .requires_auth = true,
              .request_schema = schemas::list_body(),
              .response_schema = schemas::record_page(),
              .error_statuses = {400, 403, 404}},
             [&, ids](Request& request) {
               const auto [sid, tid] = ids(request);
               s.access.require(request, sid, Need::read);
               return Response::text(
                   200, s.reader.list(sid, tid, list_params_from_body(http::parse_json_object(request))),
                   "application/json");
             });
  router.add("POST", base,
             {.operation_id = "createRecord",
              .summary = "Create a record here (published as a create)",
              .tag = "records",
              .requires_auth = true,
              .request_schema = schemas::values_body(),
              .success_status = 201,
              .response_schema = schemas::record(),
              .error_statuses = {403, 404, 409, 422}},
             [&, ids](Request& request) {
               const auto [sid, tid] = ids(request);
               const auto p = s.access.require(request, sid, Need::owner);
               return Response::json(201, s.writer.create(p.user_id, sid, tid, values_of(request)));
             });
  router.add(
      "GET", base + "/{recordId}",
      {.operation_id = "getRecord",
       .summary = "One record: values, downloaded values, edits, suggestions, conflicts, last publish error",
       .tag = "records",
       .requires_auth = true,
       .response_schema = schemas::record(),
       .error_statuses = {403, 404}},
      [&, ids](Request& request) {
        const auto [sid, tid] = ids(request);
        s.access.require(request, sid, Need::read);
        return Response::json(200, s.reader.get(sid, tid, request.param("recordId")));
      });
  router.add("PATCH", base + "/{recordId}",
             {.operation_id = "editRecord",
              .summary = "Edit fields (an edit back to the downloaded value is no edit)",
              .tag = "records",
              .requires_auth = true,
              .request_schema = schemas::values_body(),
              .response_schema = schemas::record(),
              .error_statuses = {403, 404, 409, 422}},
             [&, ids](Request& request) {
               const auto [sid, tid] = ids(request);
               const auto p = s.access.require(request, sid, Need::owner);
               return Response::json(
                   200, s.writer.edit(p.user_id, sid, tid, request.param("recordId"), values_of(request)));
             });
  router.add("DELETE", base + "/{recordId}",
             {.operation_id = "deleteRecord",
              .summary = "Delete: a tombstone until published (a record created here goes at once)",
              .tag = "records",
              .requires_auth = true,
              .response_schema = schemas::object(),
              .error_statuses = {403, 404, 409}},
             [&, ids](Request& request) {
               const auto [sid, tid] = ids(request);
               const auto p = s.access.require(request, sid, Need::owner);
               return Response::json(200, s.writer.remove(p.user_id, sid, tid, request.param("recordId")));
             });
  router.add(
      "POST", base + "/{recordId}/revert",
      {.operation_id = "revertRecord",
       .summary = "Revert fields (or the whole record, undeleting it) to the downloaded values",
       .tag = "records",
       .requires_auth = true,
       .request_schema = {{"type", "object"},
                          {"properties", {{"fields", {{"type", "array"}, {"items", {{"type", "string"}}}}}}}},
       .request_body_optional = true,
       .response_schema = schemas::record(),
       .error_statuses = {403, 404, 409, 422}},
      [&, ids](Request& request) {
        const auto [sid, tid] = ids(request);
        const auto p = s.access.require(request, sid, Need::owner);
        const json body = request.body.empty() ? json::object() : http::parse_json_object(request);
        return Response::json(200, s.writer.revert(p.user_id, sid, tid, request.param("recordId"),
                                                   body.contains("fields") ? body["fields"] : json(nullptr)));
      });
  router.add(
      "POST", base + "/{recordId}/resolve",
      {.operation_id = "resolveRecord",
       .summary = "Resolve conflicts (keep local or take remote per field), a deletion at the source, or an "
                  "ambiguous create",
       .tag = "records",
       .requires_auth = true,
       .request_schema = {{"type", "object"},
                          {"properties",
                           {{"fields", {{"type", "object"}}},
                            {"remote_deleted", {{"type", "string"}, {"enum", {"recreate", "discard"}}}},
                            {"ambiguous_create", {}}}}},
       .response_schema = schemas::object(),
       .error_statuses = {403, 404, 409, 422}},
      [&, ids](Request& request) {
        const auto [sid, tid] = ids(request);
        const auto p = s.access.require(request, sid, Need::owner);
        return Response::json(200, s.writer.resolve(p.user_id, sid, tid, request.param("recordId"),
                                                    http::parse_json_object(request)));
      });
  router.add("POST", base + "/bulk-update",
             {.operation_id = "bulkUpdateRecords",
              .summary = "Set fields on every record matching a filter/search",
              .tag = "records",
              .requires_auth = true,
              .request_schema = {{"type", "object"},
                                 {"required", {"values"}},
                                 {"properties",
                                  {{"filter", {{"type", "object"}}},
                                   {"search", {{"type", "string"}}},
                                   {"values", {{"type", "object"}}}}}},
              .response_schema = schemas::object(),
              .error_statuses = {400, 403, 404, 409, 422}},
             [&, ids](Request& request) {
               const auto [sid, tid] = ids(request);
               const auto p = s.access.require(request, sid, Need::owner);
               return Response::json(
                   200, s.writer.bulk_update(p.user_id, sid, tid, http::parse_json_object(request)));
             });
  router.add("POST", base + "/replace",
             {.operation_id = "replaceInRecords",
              .summary = "Search and replace text in a field of matching records",
              .tag = "records",
              .requires_auth = true,
              .request_schema = {{"type", "object"},
                                 {"required", {"field", "find", "replace"}},
                                 {"properties",
                                  {{"field", {{"type", "string"}}},
                                   {"find", {{"type", "string"}}},
                                   {"replace", {{"type", "string"}}},
                                   {"filter", {{"type", "object"}}},
                                   {"match_case", {{"type", "boolean"}}}}}},
              .response_schema = schemas::object(),
              .error_statuses = {400, 403, 404, 409, 422}},
             [&, ids](Request& request) {
               const auto [sid, tid] = ids(request);
               const auto p = s.access.require(request, sid, Need::owner);
               return Response::json(200,
                                     s.writer.replace(p.user_id, sid, tid, http::parse_json_object(request)));
             });
  router.add("GET", "/api/v1/snapshots/{id}/tables/{tableId}/changes",
             {.operation_id = "recordChanges",
              .summary = "Change feed: records changed or removed after sequence `since`, oldest first",
              .tag = "records",
              .requires_auth = true,
              .response_schema = schemas::object(),
              .error_statuses = {400, 403, 404}},
             [&, ids](Request& request) {
               const auto [sid, tid] = ids(request);
               s.access.require(request, sid, Need::read);
               const auto limit = http::query_integer(request, "limit", 500, 1, 5000);
               const auto since =
                   http::query_integer(request, "since", 0, 0, std::numeric_limits<long long>::max());
               return Response::text(200, s.reader.changes(sid, tid, since, static_cast<int>(limit)),
                                     "application/json");
             });
}

}  // namespace scratch::snapshots

#include "snapshots/snapshot_routes.hpp"

#include <limits>
#include <pqxx/pqxx>

#include "auth/user_store.hpp"
#include "db/transaction.hpp"
#include "events/event_log.hpp"
#include "events/event_routes.hpp"
#include "http/json_body.hpp"
#include "http/query_params.hpp"
#include "http/validation.hpp"
#include "snapshots/publish_plan.hpp"
#include "snapshots/snapshot_events.hpp"
#include "snapshots/snapshot_schemas.hpp"
#include "snapshots/sync_support.hpp"
#include "snapshots/table_info.hpp"

namespace scratch::snapshots {
namespace {

using http::Request;
using http::Response;
using nlohmann::json;

std::string name_from(const Request& request) {
  const json body = http::parse_json_object(request);
  http::FieldReader f(body);
  f.allow_only({"name"});
  const std::string name = f.required_string("name", 1, 200);
  f.finish();
  return name;
}

std::vector<std::string> table_ids_from(const json& body) {
  std::vector<std::string> ids;
  if (!body.contains("table_ids")) return ids;
  if (!body["table_ids"].is_array())
    throw http::errors::validation("table_ids", "must be an array of table ids");
  for (const auto& t : body["table_ids"]) {
    if (!t.is_string()) throw http::errors::validation("table_ids", "must be an array of table ids");
    ids.push_back(t);
  }
  return ids;
}

}  // namespace

void add_snapshot_routes(http::Router& router, SnapshotServices& s, events::EventBus& bus) {
  const std::string base = "/api/v1/snapshots";
  const json name_body = {
      {"type", "object"}, {"required", {"name"}}, {"properties", {{"name", {{"type", "string"}}}}}};

  router.add("POST", base,
             {.operation_id = "createSnapshot",
              .summary = "Create a snapshot (a workspace for tables from your sources)",
              .tag = "snapshots",
              .requires_auth = true,
              .request_schema = name_body,
              .success_status = 201,
              .response_schema = schemas::snapshot(),
              .error_statuses = {422}},
             [&](Request& request) {
               const auto p = s.access.require_user(request);
               return Response::json(201, s.snapshots.create(p.user_id, name_from(request)));
             });
  router.add("GET", base,
             {.operation_id = "listSnapshots",
              .summary = "Your snapshots, newest first, each with its tables",
              .tag = "snapshots",
              .requires_auth = true,
              .response_schema = schemas::items_of(schemas::snapshot())},
             [&](Request& request) {
               const auto p = s.access.require_user(request);
               return Response::json(200, s.snapshots.list(p.user_id));
             });
  router.add("GET", base + "/{id}",
             {.operation_id = "getSnapshot",
              .summary = "One snapshot with its tables (agent tokens: their snapshot)",
              .tag = "snapshots",
              .requires_auth = true,
              .response_schema = schemas::snapshot(),
              .error_statuses = {403, 404}},
             [&](Request& request) {
               const auto p = s.access.require(request, request.param("id"), Need::read);
               return Response::json(200, s.snapshots.get(p.user_id, request.param("id")));
             });
  router.add("PATCH", base + "/{id}",
             {.operation_id = "renameSnapshot",
              .summary = "Rename a snapshot",
              .tag = "snapshots",
              .requires_auth = true,
              .request_schema = name_body,
              .response_schema = schemas::snapshot(),
              .error_statuses = {403, 404, 422}},
             [&](Request& request) {
               const auto p = s.access.require(request, request.param("id"), Need::owner);
               return Response::json(200,
                                     s.snapshots.rename(p.user_id, request.param("id"), name_from(request)));
             });
  router.add(
      "DELETE", base + "/{id}",
      {.operation_id = "deleteSnapshot",
       .summary = "Delete a snapshot with its tables, records, suggestions, agent tokens and publish history",
       .tag = "snapshots",
       .requires_auth = true,
       .success_status = 204,
       .error_statuses = {403, 404}},
      [&](Request& request) {
        const auto p = s.access.require(request, request.param("id"), Need::owner);
        s.snapshots.remove(p.user_id, request.param("id"));
        return Response::no_content();
      });

  router.add("POST", base + "/{id}/tables",
             {.operation_id = "addSnapshotTable",
              .summary = "Add a table of one of your connector accounts (a snapshot may mix sources)",
              .tag = "snapshots",
              .requires_auth = true,
              .request_schema = {{"type", "object"},
                                 {"required", {"account_id", "table"}},
                                 {"properties",
                                  {{"account_id", {{"type", "string"}}}, {"table", {{"type", "string"}}}}}},
              .success_status = 201,
              .response_schema = schemas::table(),
              .error_statuses = {403, 404, 409, 422, 502, 504}},
             [&](Request& request) {
               const auto p = s.access.require(request, request.param("id"), Need::owner);
               const json body = http::parse_json_object(request);
               http::FieldReader f(body);
               f.allow_only({"account_id", "table"});
               const std::string account = f.required_string("account_id", 1, 100);
               const std::string table = f.required_string("table", 1, 1000);
               f.finish();
               return Response::json(201,
                                     s.snapshots.add_table(p.user_id, request.param("id"), account, table));
             });
  router.add("GET", base + "/{id}/tables",
             {.operation_id = "listSnapshotTables",
              .summary = "The snapshot's tables with fields and counts",
              .tag = "snapshots",
              .requires_auth = true,
              .response_schema = schemas::items_of(schemas::table()),
              .error_statuses = {403, 404}},
             [&](Request& request) {
               s.access.require(request, request.param("id"), Need::read);
               return Response::json(200, s.snapshots.list_tables(request.param("id")));
             });
  router.add("GET", base + "/{id}/tables/{tableId}",
             {.operation_id = "getSnapshotTable",
              .summary = "One table with fields and counts",
              .tag = "snapshots",
              .requires_auth = true,
              .response_schema = schemas::table(),
              .error_statuses = {403, 404}},
             [&](Request& request) {
               s.access.require(request, request.param("id"), Need::read);
               return Response::json(200,
                                     s.snapshots.get_table(request.param("id"), request.param("tableId")));
             });
  router.add("DELETE", base + "/{id}/tables/{tableId}",
             {.operation_id = "removeSnapshotTable",
              .summary = "Remove a table and its records from the snapshot",
              .tag = "snapshots",
              .requires_auth = true,
              .success_status = 204,
              .error_statuses = {403, 404}},
             [&](Request& request) {
               const auto p = s.access.require(request, request.param("id"), Need::owner);
               s.snapshots.remove_table(p.user_id, request.param("id"), request.param("tableId"));
               return Response::no_content();
             });

  // Download and publish run as jobs; one at a time per snapshot.
  for (const char* kind : {"download", "publish"}) {
    const std::string k = kind;
    const bool download = k == "download";
    router.add(
        "POST", base + "/{id}/" + k,
        {.operation_id = download ? "downloadSnapshot" : "publishSnapshot",
         .summary = download
                        ? "Download the tables' records from their sources (a job): merges by remote id, "
                          "keeps local edits, records conflicts"
                        : "Publish edits back to the sources (a job): creates, updates of changed "
                          "fields, deletes, batched; per-record results",
         .tag = "snapshots",
         .requires_auth = true,
         .request_schema = {{"type", "object"},
                            {"properties",
                             {{"table_ids", {{"type", "array"}, {"items", {{"type", "string"}}}}}}}},
         .request_body_optional = true,
         .success_status = 202,
         .response_schema = schemas::job_ref(),
         .error_statuses = {403, 404, 409, 422}},
        [&s, k, download](Request& request) {
          const std::string id = request.param("id");
          const auto p = s.access.require(request, id, Need::owner);
          const json body = request.body.empty() ? json::object() : http::parse_json_object(request);
          const auto ids = table_ids_from(body);
          const json job = db::with_transaction(s.pool, [&](pqxx::work& tx) {
            const auto tables = load_tables(tx, id, ids);
            if (tables.empty())
              throw http::ApiError(409, "no_tables", "No tables", "add a table to the snapshot first");
            json payload = {{"snapshot_id", id}, {"table_ids", json::array()}};
            for (const auto& t : ids)
              payload["table_ids"].push_back(t);
            return enqueue_sync_job(tx, p.user_id, id, download ? kDownloadJob : kPublishJob, payload);
          });
          return Response::json(202, {{"job", job}});
        });
  }
  router.add(
      "GET", base + "/{id}/publish/plan",
      {.operation_id = "planSnapshotPublish",
       .summary = "Dry run of a publish: counts per table and operation, the operations (paged), skipped "
                  "records; calls no source",
       .tag = "snapshots",
       .requires_auth = true,
       .response_schema = schemas::object(),
       .error_statuses = {400, 403, 404}},
      [&](Request& request) {
        const std::string id = request.param("id");
        s.access.require(request, id, Need::read);
        std::vector<std::string> ids;
        if (request.query.count("table_id")) ids.push_back(request.query.at("table_id"));
        const std::string op = request.query.count("op") ? request.query.at("op") : "";
        if (!op.empty() && op != "create" && op != "update" && op != "delete")
          throw http::ApiError(400, "invalid_parameter", "Invalid parameter", "op: create, update or delete");
        const int limit = static_cast<int>(http::query_integer(request, "limit", 100, 1, 1000));
        const long long after =
            http::query_integer(request, "cursor", 0, 0, std::numeric_limits<long long>::max());
        return Response::json(200, db::with_read(s.pool, [&](pqxx::read_transaction& tx) {
                                return dry_run(tx, load_tables(tx, id, ids), op, limit, after);
                              }));
      });

  router.add(
      "GET", base + "/{id}/events",
      {.operation_id = "streamSnapshotEvents",
       .summary =
           "Server-Sent Events of every change to the snapshot (records, tables, downloads, publishes); "
           "resume with Last-Event-ID",
       .tag = "snapshots",
       .requires_auth = true,
       .response_schema = {{"type", "string"}, {"description", "text/event-stream"}},
       .response_content_type = "text/event-stream",
       .error_statuses = {400, 403, 404}},
      [&](Request& request) {
        const std::string id = request.param("id");
        const auto p = s.access.require(request, id, Need::read);
        const long long resume = events::last_event_id(request);
        return Response::event_stream(
            [&bus, user = p.user_id, id, resume](std::shared_ptr<http::StreamSink> sink) {
              auto sub = std::make_shared<events::Subscription>();
              sub->user_id = user;
              sub->entity_id = id;
              sub->sink = std::move(sink);
              sub->sink->send(": connected\n\n");
              bus.subscribe(sub, resume);
            });
      });
}

}  // namespace scratch::snapshots

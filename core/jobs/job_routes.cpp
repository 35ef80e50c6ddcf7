#include "jobs/job_routes.hpp"

#include <pqxx/pqxx>
#include <set>

#include "db/transaction.hpp"
#include "http/json_body.hpp"
#include "http/validation.hpp"

namespace scratch::jobs {

void add_job_routes(http::Router& router, JobQueue& queue, const JobRegistry& registry,
                    bool diagnostics_enabled, db::ConnectionPool& pool,
                    const auth::Authenticator& authenticator) {
  using http::Request;
  using http::Response;
  using nlohmann::json;
  const json job_schema = {
      {"type", "object"},
      {"properties",
       {{"id", {{"type", "string"}}},
        {"type", {{"type", "string"}}},
        {"state", {{"type", "string"}, {"enum", {"queued", "running", "succeeded", "failed", "cancelled"}}}},
        {"attempts", {{"type", "integer"}}},
        {"progress", {{"type", {"object", "null"}}}},
        {"result", {}},
        {"error", {}}}}};

  router.add("GET", "/api/v1/jobs",
             {.operation_id = "listJobs",
              .summary = "Your jobs, newest first; filter with ?state= and ?type=, at most ?limit= (100)",
              .tag = "jobs",
              .requires_auth = true,
              .response_schema = {{"type", "object"},
                                  {"properties", {{"items", {{"type", "array"}, {"items", job_schema}}}}}},
              .error_statuses = {400}},
             [&](Request& request) {
               const auto p = authenticator.require(request);
               const auto get = [&](const char* k) {
                 return request.query.count(k) ? request.query.at(k) : "";
               };
               const std::string state = get("state");
               static const std::set<std::string> states = {"",          "queued", "running",
                                                            "succeeded", "failed", "cancelled"};
               if (!states.count(state)) {
                 throw http::ApiError(400, "invalid_query", "Invalid query",
                                      "state must be one of queued, running, "
                                      "succeeded, failed, cancelled");
               }
               int limit = 100;
               if (!get("limit").empty()) {
                 try {
                   limit = std::stoi(get("limit"));
                 } catch (const std::exception&) {
                   limit = -1;
                 }
                 if (limit < 1 || limit > 1000) {
                   throw http::ApiError(400, "invalid_query", "Invalid query", "limit must be 1 to 1000");
                 }
               }
               return Response::json(200, {{"items", queue.list(p.user_id, state, get("type"), limit)}});
             });
  router.add("GET", "/api/v1/jobs/{id}",
             {.operation_id = "getJob",
              .summary = "One of your jobs: state, attempts, progress, result or error",
              .tag = "jobs",
              .requires_auth = true,
              .response_schema = job_schema,
              .error_statuses = {404}},
             [&](Request& request) {
               const auto p = authenticator.require(request);
               auto job = queue.get(p.user_id, request.param("id"));
               if (!job) throw http::errors::not_found("job " + request.param("id"));
               return Response::json(200, *job);
             });
  router.add("POST", "/api/v1/jobs/{id}/cancel",
             {.operation_id = "cancelJob",
              .summary = "Cancel: a queued job at once, a running one at its next cancel check",
              .tag = "jobs",
              .requires_auth = true,
              .response_schema = job_schema,
              .error_statuses = {404}},
             [&](Request& request) {
               const auto p = authenticator.require(request);
               auto job = queue.request_cancel(p.user_id, request.param("id"));
               if (!job) throw http::errors::not_found("job " + request.param("id"));
               return Response::json(200, *job);
             });
  router.add(
      "POST", "/api/v1/jobs",
      {.operation_id = "enqueueDiagnosticJob",
       .summary = "Enqueue a diagnostic job (diag.noop, diag.sleep, diag.fail) when the server enables them",
       .tag = "jobs",
       .requires_auth = true,
       .request_schema = {{"type", "object"},
                          {"required", {"type"}},
                          {"properties",
                           {{"type", {{"type", "string"}}},
                            {"payload", {{"type", "object"}}},
                            {"priority", {{"type", "integer"}}}}}},
       .success_status = 201,
       .response_schema = job_schema},
      [&, diagnostics_enabled](Request& request) {
        const auto p = authenticator.require(request);
        const json body = http::parse_json_object(request);
        http::FieldReader fields(body);
        fields.allow_only({"type", "payload", "priority"});
        const std::string type = fields.required_string("type", 1, 100);
        const auto priority = fields.optional_integer("priority", -1000, 1000);
        if (body.contains("payload") && !body["payload"].is_object())
          fields.fail("payload", "must be an object");
        if (!type.empty() && (!diagnostics_enabled || type.rfind("diag.", 0) != 0 || !registry.count(type))) {
          fields.fail("type", "is not a job type you can enqueue");
        }
        fields.finish();
        EnqueueOptions options;
        options.priority = static_cast<int>(priority.value_or(0));
        options.max_attempts = registry.at(type).max_attempts;
        const std::string id = db::with_transaction(pool, [&](pqxx::work& tx) {
          return JobQueue::enqueue(tx, type, p.user_id, body.value("payload", json::object()), options);
        });
        return Response::json(201, *queue.get(p.user_id, id));
      });
}

}  // namespace scratch::jobs

#include "events/event_routes.hpp"

namespace scratch::events {

long long last_event_id(const http::Request& request) {
  std::string text = request.header("Last-Event-ID").value_or("");
  if (text.empty() && request.query.count("last_event_id")) text = request.query.at("last_event_id");
  if (text.empty()) return 0;
  try {
    std::size_t used = 0;
    const long long id = std::stoll(text, &used);
    if (used == text.size() && id >= 0) return id;
  } catch (const std::exception&) {
  }
  throw http::ApiError(400, "invalid_last_event_id", "Invalid Last-Event-ID",
                       "Last-Event-ID must be the id of an event this server sent");
}

namespace {

bool finished(const std::string& state) {
  return state == "succeeded" || state == "failed" || state == "cancelled";
}

}  // namespace

void add_event_routes(http::Router& router, EventBus& bus, jobs::JobQueue& jobs,
                      const auth::Authenticator& authenticator) {
  using http::Request;
  using http::Response;
  const nlohmann::json stream_schema = {{"type", "string"}, {"description", "text/event-stream"}};

  router.add(
      "GET", "/api/v1/events",
      {.operation_id = "streamEvents",
       .summary = "Server-Sent Events of everything that happens to your things (jobs now; records later)",
       .tag = "events",
       .requires_auth = true,
       .response_schema = stream_schema,
       .response_content_type = "text/event-stream",
       .error_statuses = {400}},
      [&](Request& request) {
        const auto p = authenticator.require(request);
        const long long resume = last_event_id(request);
        return Response::event_stream(
            [&bus, user = p.user_id, resume](std::shared_ptr<http::StreamSink> sink) {
              auto s = std::make_shared<Subscription>();
              s->user_id = user;
              s->sink = std::move(sink);
              s->sink->send(": connected\n\n");
              bus.subscribe(s, resume);
            });
      });

  router.add("GET", "/api/v1/jobs/{id}/events",
             {.operation_id = "streamJobEvents",
              .summary = "Server-Sent Events of one job's progress; the stream ends with its final state",
              .tag = "events",
              .requires_auth = true,
              .response_schema = stream_schema,
              .response_content_type = "text/event-stream",
              .error_statuses = {400, 404}},
             [&](Request& request) {
               const auto p = authenticator.require(request);
               const std::string id = request.param("id");
               if (!jobs.get(p.user_id, id)) throw http::errors::not_found("job " + id);
               const long long resume = last_event_id(request);
               return Response::event_stream(
                   [&bus, &jobs, user = p.user_id, id, resume](std::shared_ptr<http::StreamSink> sink) {
                     auto s = std::make_shared<Subscription>();
                     s->user_id = user;
                     s->entity_id = id;
                     s->sink = sink;
                     s->closing_kinds = {"job.succeeded", "job.failed", "job.cancelled"};
                     if (!bus.subscribe(s, resume)) return;
                     // The current state, so a client that connects late still learns where the job is.
                     const auto job = jobs.get(user, id);
                     if (!job) return;
                     std::lock_guard lock(s->mutex);
                     if (s->done) return;
                     const std::string state = (*job)["state"];
                     sink->send("event: job.state\ndata: " + job->dump() + "\n\n");
                     if (finished(state)) {
                       s->done = true;
                       sink->close();
                     }
                   });
             });
}

}  // namespace scratch::events

// Server-Sent Events: GET /api/v1/events (all of the caller's events) and GET /api/v1/jobs/{id}/events
// (one job's progress until it finishes). Resume with the Last-Event-ID header or ?last_event_id=.
#pragma once

#include "auth/authenticator.hpp"
#include "events/event_bus.hpp"
#include "http/router.hpp"
#include "jobs/job_queue.hpp"

namespace scratch::events {

// The event id a client resumes after (Last-Event-ID header, or ?last_event_id=); 0 for none, 400 when
// malformed.
long long last_event_id(const http::Request& request);

void add_event_routes(http::Router& router, EventBus& bus, jobs::JobQueue& jobs,
                      const auth::Authenticator& authenticator);

}  // namespace scratch::events

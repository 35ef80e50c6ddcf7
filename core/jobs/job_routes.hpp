// /api/v1/jobs: list, get, cancel (owner-only); enqueue of diagnostic job types when enabled.
#pragma once

#include "auth/authenticator.hpp"
#include "http/router.hpp"
#include "jobs/job_handler.hpp"

namespace scratch::jobs {

void add_job_routes(http::Router& router, JobQueue& queue, const JobRegistry& registry,
                    bool diagnostics_enabled, db::ConnectionPool& pool,
                    const auth::Authenticator& authenticator);

}  // namespace scratch::jobs

// Job types for testing and operating the queue itself (enabled with SCRATCH_DIAGNOSTIC_JOBS=true):
//   diag.noop  {"record_effect": bool}   succeeds; optionally inserts (job_id) into diag_job_effects in the
//                                        completing transaction (the exactly-once probe)
//   diag.sleep {"steps": n, "step_ms": m} reports progress each step and honours cancel between steps
//   diag.fail  {"fail_times": n, "retryable": bool}  fails its first n attempts
#pragma once

#include "jobs/job_handler.hpp"

namespace scratch::jobs {

void add_diagnostic_jobs(JobRegistry& registry);

}  // namespace scratch::jobs

#include "jobs/diagnostic_jobs.hpp"

#include <pqxx/pqxx>
#include <thread>

namespace scratch::jobs {

void add_diagnostic_jobs(JobRegistry& registry) {
  registry["diag.noop"] = {[](JobContext& ctx) {
                             if (ctx.job().payload.value("record_effect", false)) {
                               const std::string id = ctx.job().id;
                               ctx.on_success([id](pqxx::work& tx) {
                                 tx.exec_params("INSERT INTO diag_job_effects (job_id) VALUES ($1::uuid)",
                                                id);
                               });
                             }
                             return nlohmann::json{{"ok", true}};
                           },
                           3};
  registry["diag.sleep"] = {
      [](JobContext& ctx) {
        const int steps = ctx.job().payload.value("steps", 10);
        const int step_ms = ctx.job().payload.value("step_ms", 100);
        for (int i = 0; i < steps; ++i) {
          ctx.check_cancel();
          ctx.progress(i, steps, "step " + std::to_string(i + 1) + " of " + std::to_string(steps));
          std::this_thread::sleep_for(std::chrono::milliseconds(step_ms));
        }
        ctx.progress(steps, steps, "done");
        return nlohmann::json{{"steps", steps}};
      },
      3};
  registry["diag.fail"] = {[](JobContext& ctx) {
                             const int fail_times = ctx.job().payload.value("fail_times", 1);
                             if (ctx.job().attempts <= fail_times) {
                               throw JobError(
                                   "diag_failure",
                                   "attempt " + std::to_string(ctx.job().attempts) + " failed on purpose",
                                   ctx.job().payload.value("retryable", true));
                             }
                             return nlohmann::json{{"attempts", ctx.job().attempts}};
                           },
                           4, std::chrono::milliseconds(200), std::chrono::milliseconds(2000)};
}

}  // namespace scratch::jobs

#include "app/background_service.hpp"

#include <pqxx/pqxx>

#include "db/transaction.hpp"
#include "jobs/cron_service.hpp"
#include "jobs/job_workers.hpp"

namespace scratch::app {

std::vector<std::unique_ptr<BackgroundService>> make_background_services(const ServiceContext& context) {
  std::vector<std::unique_ptr<BackgroundService>> services;
  const Config& config = context.config;
  if (runs_workers(config.role)) {
    services.push_back(std::make_unique<jobs::JobWorkers>(
        context.pool, context.job_types,
        jobs::WorkerOptions{config.worker_threads, std::chrono::seconds(config.job_lease_seconds),
                            std::chrono::milliseconds(500), config.jobs_per_user}));
  }
  if (runs_cron(config.role)) {
    auto* pool = &context.pool;
    std::vector<jobs::CronTask> tasks = {
        {"jobs.reap_expired_leases", std::chrono::seconds(config.reaper_interval_seconds),
         [pool] { jobs::JobQueue(*pool).reap_expired(); }},
        {"jobs.prune_finished", std::chrono::seconds(3600),
         [pool, hours = config.job_retention_hours] {
           jobs::JobQueue(*pool).prune_finished(std::chrono::hours(hours));
         }},
        {"events.prune", std::chrono::seconds(3600),
         [pool, hours = config.job_retention_hours] {
           // Clients resume from the log; as far back as jobs are kept is plenty.
           db::with_transaction(*pool, [&](pqxx::work& tx) {
             tx.exec_params("DELETE FROM events WHERE created_at < now() - make_interval(hours => $1)",
                            hours);
           });
         }},
    };
    services.push_back(std::make_unique<jobs::CronService>(context.pool, std::move(tasks)));
  }
  return services;
}

}  // namespace scratch::app

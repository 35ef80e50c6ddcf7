// A long-running loop a role runs beside (or instead of) the HTTP API: job workers, cron schedulers.
// Later issues implement these and register them in make_background_services().
#pragma once

#include <memory>
#include <vector>

#include "app/config.hpp"
#include "db/connection_pool.hpp"
#include "jobs/job_handler.hpp"

namespace scratch::app {

class BackgroundService {
 public:
  virtual ~BackgroundService() = default;
  virtual const char* name() const = 0;
  virtual void start() = 0;
  // Asks the loop to finish its current unit of work and returns when it has.
  virtual void stop() = 0;
};

struct ServiceContext {
  const Config& config;
  db::ConnectionPool& pool;
  const jobs::JobRegistry& job_types;
};

// The loops this process's role runs (worker loops for worker/all, schedulers for cron/all).
std::vector<std::unique_ptr<BackgroundService>> make_background_services(const ServiceContext& context);

}  // namespace scratch::app

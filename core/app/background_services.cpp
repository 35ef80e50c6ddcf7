#include "app/background_service.hpp"

namespace scratch::app {

std::vector<std::unique_ptr<BackgroundService>> make_background_services(const ServiceContext& context) {
  std::vector<std::unique_ptr<BackgroundService>> services;
  // The jobs issue registers its worker loop here when runs_workers(context.config.role),
  // and its scheduler when runs_cron(context.config.role).
  (void)context;
  return services;
}

}  // namespace scratch::app

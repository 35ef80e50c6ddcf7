#include <spdlog/spdlog.h>
#include <pqxx/except>

#include <iostream>
#include <thread>

#include "app/commands/commands.hpp"
#include "db/migrator.hpp"

namespace scratch::app {

void migrate_with_wait(const Config& config) {
  if (config.database_url.empty()) {
    throw ConfigError(
        "DATABASE_URL is not set: run scripts/run.sh for the embedded database, or set DATABASE_URL to a "
        "PostgreSQL URL");
  }
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(config.db_startup_wait_seconds);
  for (int attempt = 1;; ++attempt) {
    try {
      db::Migrator migrator(config.database_url, db::embedded_migrations());
      const auto report = migrator.run();
      spdlog::info("database schema at version {} ({} migration(s) applied now)", report.latest_version,
                   report.applied.size());
      return;
    } catch (const pqxx::broken_connection& e) {
      if (std::chrono::steady_clock::now() >= deadline) {
        throw std::runtime_error(std::string("cannot connect to the database: ") + e.what());
      }
      spdlog::warn("database not reachable yet (attempt {}): {}", attempt, e.what());
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
  }
}

int migrate_command(const Config& config) {
  if (config.database_url.empty()) {
    throw ConfigError("DATABASE_URL is not set");
  }
  db::Migrator migrator(config.database_url, db::embedded_migrations());
  const auto report = migrator.run();
  for (const auto& name : report.applied)
    std::cout << "applied " << name << "\n";
  std::cout << "schema at version " << report.latest_version << " (" << report.applied.size()
            << " applied by this run)\n";
  return 0;
}

}  // namespace scratch::app

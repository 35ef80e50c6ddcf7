// Applies migrations in order under a PostgreSQL advisory lock, so instances starting together don't race.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "db/migration.hpp"

namespace scratch::db {

class MigrationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct MigrationReport {
  std::vector<std::string> applied;  // "0001_auth", ... applied by this run
  int latest_version = 0;            // highest version recorded in the database afterwards
  int unknown_versions = 0;  // versions in the database this binary does not know (a newer release ran)
};

class Migrator {
 public:
  Migrator(std::string database_url, std::vector<Migration> migrations);

  // Applies every pending migration, each in its own transaction, recording it in schema_migrations.
  // Throws MigrationError when an applied migration's text changed since it ran (its checksum differs).
  MigrationReport run();

 private:
  std::string database_url_;
  std::vector<Migration> migrations_;
};

}  // namespace scratch::db

// The advisory lock is session-level and held on one dedicated connection for the whole run: a second
// instance blocks on it, then finds everything applied and does nothing.
#include "db/migrator.hpp"

#include <spdlog/spdlog.h>
#include <algorithm>
#include <map>
#include <pqxx/pqxx>

#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"

namespace scratch::db {
namespace {

// Arbitrary constant shared by every scratchd: "scratch migrate" as an int64.
constexpr long long kMigrationLockKey = 0x5c7a7c4d16a7e001LL;

std::string label(const Migration& m) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d", m.version);
  return std::string(buf) + "_" + m.name;
}

}  // namespace

Migrator::Migrator(std::string database_url, std::vector<Migration> migrations)
    : database_url_(std::move(database_url)), migrations_(std::move(migrations)) {
  std::sort(migrations_.begin(), migrations_.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  for (std::size_t i = 1; i < migrations_.size(); ++i) {
    if (migrations_[i].version == migrations_[i - 1].version) {
      throw MigrationError("two migrations share version " + std::to_string(migrations_[i].version));
    }
  }
}

MigrationReport Migrator::run() {
  pqxx::connection conn{database_url_};
  {
    pqxx::nontransaction n{conn};
    n.exec_params("SELECT pg_advisory_lock($1)", kMigrationLockKey);
  }
  MigrationReport report;
  try {
    {
      pqxx::work w{conn};
      w.exec0(
          "CREATE TABLE IF NOT EXISTS schema_migrations ("
          " version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,"
          " applied_at timestamptz NOT NULL DEFAULT now())");
      w.commit();
    }
    std::map<int, std::string> applied;  // version -> checksum
    {
      pqxx::read_transaction r{conn};
      for (const auto& row : r.exec("SELECT version, checksum FROM schema_migrations")) {
        applied[row[0].as<int>()] = row[1].as<std::string>();
      }
    }
    for (const auto& m : migrations_) {
      const std::string checksum = crypto::hex_encode(crypto::sha256(m.sql));
      auto it = applied.find(m.version);
      if (it != applied.end()) {
        if (it->second != checksum) {
          throw MigrationError("migration " + label(m) +
                               " was changed after it was applied (checksum differs); migrations are "
                               "forward-only: add a new migration instead of editing an applied one");
        }
        continue;
      }
      pqxx::work w{conn};
      w.exec(m.sql);
      w.exec_params("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", m.version,
                    m.name, checksum);
      w.commit();
      spdlog::info("applied migration {}", label(m));
      report.applied.push_back(label(m));
      applied[m.version] = checksum;
    }
    for (const auto& [version, sum] : applied) {
      const bool known = std::any_of(migrations_.begin(), migrations_.end(),
                                     [v = version](const Migration& m) { return m.version == v; });
      if (!known) ++report.unknown_versions;
    }
    report.latest_version = applied.empty() ? 0 : applied.rbegin()->first;
  } catch (const pqxx::sql_error& e) {
    // The lock goes away with the connection; say which statement failed.
    throw MigrationError(std::string("migration failed: ") + e.what());
  }
  pqxx::nontransaction n{conn};
  n.exec_params("SELECT pg_advisory_unlock($1)", kMigrationLockKey);
  if (report.unknown_versions > 0) {
    spdlog::warn("database has {} migration(s) newer than this scratchd knows; a newer release ran here",
                 report.unknown_versions);
  }
  return report;
}

}  // namespace scratch::db

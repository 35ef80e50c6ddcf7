// One forward-only schema change, compiled into the binary from migrations/NNNN_name.sql.
#pragma once

#include <string>
#include <vector>

namespace scratch::db {

struct Migration {
  int version;
  std::string name;
  std::string sql;
};

// Every migration in migrations/, in version order (generated at build time).
const std::vector<Migration>& embedded_migrations();

}  // namespace scratch::db

#include "db/db_errors.hpp"

#include <pqxx/except>
#include <string>

#include "db/connection_pool.hpp"

namespace scratch::db {

bool is_unavailable_error(const std::exception& e) {
  if (dynamic_cast<const pqxx::broken_connection*>(&e)) return true;
  if (dynamic_cast<const PoolExhausted*>(&e)) return true;
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    const std::string state = sql->sqlstate();
    // Class 08: connection exception; 57P01-57P03: admin/crash shutdown, cannot connect now.
    return state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03";
  }
  return false;
}

bool is_unique_violation(const std::exception& e) {
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) return sql->sqlstate() == "23505";
  return false;
}

}  // namespace scratch::db

#include "db/transaction.hpp"

#include <pqxx/except>

namespace scratch::db::detail {

void run_with_reconnect(ConnectionPool& pool, const std::function<void(Lease&)>& body) {
  for (int attempt = 1;; ++attempt) {
    Lease lease = pool.acquire();
    try {
      body(lease);
      return;
    } catch (const pqxx::in_doubt_error&) {
      lease.discard();
      throw;  // the commit may or may not have happened: never repeat
    } catch (const pqxx::broken_connection&) {
      lease.discard();
      pool.drop_idle();
      if (attempt >= 2) throw;
    }
  }
}

}  // namespace scratch::db::detail

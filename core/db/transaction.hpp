// Scoped transactions over the pool: with_transaction runs a function inside BEGIN..COMMIT and rolls
// back when it throws. Use it for every multi-statement write, so no half-written row survives an error.
#pragma once

#include <functional>
#include <optional>
#include <pqxx/transaction>
#include <type_traits>

#include "db/connection_pool.hpp"

namespace scratch::db {

namespace detail {
// Runs body(lease) once more if the first try failed on a connection that broke before commit (a pooled
// connection the server had already closed). Rolled-back work is safe to repeat; a failure during commit
// is not retried.
void run_with_reconnect(ConnectionPool& pool, const std::function<void(Lease&)>& body);
}  // namespace detail

template <typename Fn>
auto with_transaction(ConnectionPool& pool, Fn&& fn) {
  using Result = std::invoke_result_t<Fn&, pqxx::work&>;
  if constexpr (std::is_void_v<Result>) {
    detail::run_with_reconnect(pool, [&](Lease& lease) {
      pqxx::work tx{*lease};
      fn(tx);
      tx.commit();
    });
  } else {
    std::optional<Result> result;
    detail::run_with_reconnect(pool, [&](Lease& lease) {
      pqxx::work tx{*lease};
      result.emplace(fn(tx));
      tx.commit();
    });
    return std::move(*result);
  }
}

// Read-only work: same retry rule, no commit needed.
template <typename Fn>
auto with_read(ConnectionPool& pool, Fn&& fn) {
  using Result = std::invoke_result_t<Fn&, pqxx::read_transaction&>;
  std::optional<Result> result;
  detail::run_with_reconnect(pool, [&](Lease& lease) {
    pqxx::read_transaction tx{*lease};
    result.emplace(fn(tx));
  });
  return std::move(*result);
}

}  // namespace scratch::db

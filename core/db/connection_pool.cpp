#include "db/connection_pool.hpp"

#include <pqxx/except>

namespace scratch::db {

Lease::Lease(ConnectionPool* pool, std::unique_ptr<pqxx::connection> conn)
    : pool_(pool), conn_(std::move(conn)) {}

Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), conn_(std::move(other.conn_)), discard_(other.discard_) {
  other.pool_ = nullptr;
}

Lease::~Lease() {
  if (pool_ && conn_) pool_->release(std::move(conn_), discard_);
}

ConnectionPool::ConnectionPool(Options options) : options_(std::move(options)) {
  if (options_.max_size == 0) options_.max_size = 1;
}

Lease ConnectionPool::acquire() {
  std::unique_lock lock(mutex_);
  ++waiting_;
  const bool got = available_.wait_for(lock, options_.acquire_timeout,
                                       [&] { return !idle_.empty() || open_ < options_.max_size; });
  --waiting_;
  if (!got) {
    ++timeouts_total_;
    throw PoolExhausted("all " + std::to_string(options_.max_size) +
                        " database connections stayed busy for " +
                        std::to_string(options_.acquire_timeout.count()) + " ms");
  }
  if (!idle_.empty()) {
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    ++in_use_;
    ++acquired_total_;
    return Lease(this, std::move(conn));
  }
  // Reserve the slot, then connect without holding the lock: connecting can take seconds.
  ++open_;
  ++in_use_;
  lock.unlock();
  try {
    auto conn = std::make_unique<pqxx::connection>(options_.url);
    lock.lock();
    ++acquired_total_;
    return Lease(this, std::move(conn));
  } catch (...) {
    if (!lock.owns_lock()) lock.lock();
    --open_;
    --in_use_;
    ++connect_failures_total_;
    available_.notify_one();
    throw;
  }
}

void ConnectionPool::release(std::unique_ptr<pqxx::connection> conn, bool discard) {
  std::unique_ptr<pqxx::connection> doomed;
  {
    std::lock_guard lock(mutex_);
    --in_use_;
    if (discard || !conn->is_open()) {
      --open_;
      doomed = std::move(conn);
    } else {
      idle_.push_back(std::move(conn));
    }
  }
  available_.notify_one();
  // doomed closes here, outside the lock.
}

void ConnectionPool::drop_idle() {
  std::vector<std::unique_ptr<pqxx::connection>> doomed;
  {
    std::lock_guard lock(mutex_);
    open_ -= idle_.size();
    doomed.swap(idle_);
  }
  available_.notify_all();
}

PoolStats ConnectionPool::stats() const {
  std::lock_guard lock(mutex_);
  return PoolStats{options_.max_size,      open_, in_use_, waiting_, acquired_total_, timeouts_total_,
                   connect_failures_total_};
}

}  // namespace scratch::db

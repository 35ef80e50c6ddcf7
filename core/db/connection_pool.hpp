// A bounded pool of libpqxx connections shared by request handlers.
// Connections are opened lazily; broken ones are dropped instead of returned, so the pool heals by
// itself when the database comes back.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <pqxx/connection>
#include <string>
#include <vector>

namespace scratch::db {

struct PoolStats {
  std::size_t max_size = 0;
  std::size_t open = 0;     // connections that exist (idle + in use)
  std::size_t in_use = 0;   // leased right now
  std::size_t waiting = 0;  // callers blocked waiting for a lease
  unsigned long long acquired_total = 0;
  unsigned long long timeouts_total = 0;  // acquires that gave up waiting
  unsigned long long connect_failures_total = 0;
};

class ConnectionPool;

// A leased connection; returns itself to the pool when destroyed.
class Lease {
 public:
  Lease(ConnectionPool* pool, std::unique_ptr<pqxx::connection> conn);
  Lease(Lease&&) noexcept;
  Lease& operator=(Lease&&) = delete;
  Lease(const Lease&) = delete;
  ~Lease();

  pqxx::connection& operator*() { return *conn_; }
  pqxx::connection* operator->() { return conn_.get(); }
  // The connection is suspect (it threw broken_connection): close it rather than reuse it.
  void discard() { discard_ = true; }

 private:
  ConnectionPool* pool_;
  std::unique_ptr<pqxx::connection> conn_;
  bool discard_ = false;
};

class ConnectionPool {
 public:
  struct Options {
    std::string url;
    std::size_t max_size = 10;
    std::chrono::milliseconds acquire_timeout{5000};
  };
  explicit ConnectionPool(Options options);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Throws pqxx::broken_connection when the database cannot be reached, and PoolExhausted when every
  // connection stays busy for acquire_timeout.
  Lease acquire();
  // Drops every idle connection: after one connection broke, the others to the same server likely did too.
  void drop_idle();
  PoolStats stats() const;
  const std::string& url() const { return options_.url; }

 private:
  friend class Lease;
  void release(std::unique_ptr<pqxx::connection> conn, bool discard);

  Options options_;
  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
  std::size_t open_ = 0;
  std::size_t in_use_ = 0;
  std::size_t waiting_ = 0;
  unsigned long long acquired_total_ = 0;
  unsigned long long timeouts_total_ = 0;
  unsigned long long connect_failures_total_ = 0;
};

class PoolExhausted : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace scratch::db

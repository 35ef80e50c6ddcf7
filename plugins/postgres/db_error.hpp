// Errors PostgreSQL reports, and the connector error codes they become.
#pragma once

#include <scratch/plugin.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

namespace scratch::postgres {

// A statement the server (or a lost connection) rejected, with its SQLSTATE, e.g. "23505".
class DbError : public std::runtime_error {
 public:
  DbError(std::string sqlstate, const std::string& message)
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const { return sqlstate_; }

 private:
  std::string sqlstate_;
};

struct ErrorKind {
  std::string code;  // a stable connector error code, e.g. "constraint_violation"
  bool retryable;
};

ErrorKind classify_sqlstate(std::string_view sqlstate);
// Connection attempts carry no SQLSTATE, so this reads libpq's message.
ErrorKind classify_connect_failure(std::string_view message);

plugin::Error to_plugin_error(const DbError& e);

}  // namespace scratch::postgres

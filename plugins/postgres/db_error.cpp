// Maps SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html) and libpq's connection
// messages to the connector's error codes.
#include "db_error.hpp"

#include <algorithm>
#include <cctype>

namespace scratch::postgres {
namespace {

bool contains_any(const std::string& haystack, std::initializer_list<std::string_view> needles) {
  return std::any_of(needles.begin(), needles.end(),
                     [&](std::string_view n) { return haystack.find(n) != std::string::npos; });
}

}  // namespace

ErrorKind classify_sqlstate(std::string_view s) {
  const std::string_view cls = s.substr(0, 2);
  if (cls == "23") return {"constraint_violation", false};
  if (cls == "22" || s == "42804" || s == "42846") return {"invalid_value", false};
  if (s == "42703") return {"unknown_field", false};
  if (s == "42P01") return {"not_found", false};  // the table went away since we looked it up
  if (s == "42501") return {"permission_denied", false};
  if (s == "428C9" || s == "25006") return {"read_only", false};
  if (cls == "28") return {"auth_failed", false};
  if (s == "3D000") return {"connection_failed", false};  // the database does not exist
  if (cls == "40") return {"conflict", true};             // serialization failure, deadlock
  if (s == "57014") return {"timeout", true};             // statement_timeout or a cancel
  if (cls == "08" || cls == "53" || s.starts_with("57P")) return {"connection_failed", true};
  return {"database_error", false};
}

ErrorKind classify_connect_failure(std::string_view message) {
  std::string m(message);
  std::transform(m.begin(), m.end(), m.begin(), [](unsigned char c) { return std::tolower(c); });
  if (contains_any(m, {"authentication failed", "no password supplied", "password is required", "pg_hba.conf",
                       "permission denied", "role \""})) {
    return {"auth_failed", false};
  }
  // Worth another try later: the server was unreachable, busy or restarting.
  const bool transient = contains_any(
      m, {"could not connect", "connection refused", "timeout expired", "could not translate host",
          "server closed the connection", "starting up", "shutting down", "too many clients",
          "no route to host", "network is unreachable", "could not receive data"});
  return {"connection_failed", transient};
}

plugin::Error to_plugin_error(const DbError& e) {
  const ErrorKind kind = classify_sqlstate(e.sqlstate());
  return plugin::Error(kind.code, e.what(), kind.retryable);
}

}  // namespace scratch::postgres

// libpq calls: connecting with defaults, running parameterised statements, turning failures into errors.
#include "connection.hpp"

#include <scratch/plugin.hpp>

#include "db_error.hpp"
#include "redact.hpp"

namespace scratch::postgres {
namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
    s.pop_back();
  return s;
}

// The server's message with its DETAIL (e.g. which key is duplicated), which users need to fix the data.
std::string describe(const PGresult* result, PGconn* conn) {
  const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  if (!primary) return trim(PQerrorMessage(conn));
  std::string message = primary;
  if (const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL))
    message += " (" + trim(detail) + ")";
  return message;
}

}  // namespace

Connection Connection::open(const std::string& connection_string) {
  // Entries before the expanded dbname are defaults the connection string may override, entries after it
  // win (libpq docs, PQconnectdbParams). UTF-8 is not negotiable: every value ends up in JSON.
  const char* keywords[] = {"connect_timeout", "application_name", "dbname", "client_encoding", nullptr};
  const char* values[] = {"10", "scratch", connection_string.c_str(), "UTF8", nullptr};
  Connection c(PQconnectdbParams(keywords, values, /*expand_dbname=*/1));
  if (!c.conn_) throw plugin::Error("connection_failed", "out of memory while connecting", true);
  if (PQstatus(c.conn_.get()) != CONNECTION_OK) {
    const std::string message = redact_password(trim(PQerrorMessage(c.conn_.get())), connection_string);
    const ErrorKind kind = classify_connect_failure(message);
    throw plugin::Error(kind.code, message.empty() ? "cannot connect to PostgreSQL" : message,
                        kind.retryable);
  }
  // UTC makes timestamptz values come out as ...+00:00 whatever the server's default; ISO dates and
  // shortest-exact floats make the text forms used in cursors and ids parse back to the same value.
  try {
    c.exec(
        "SELECT set_config('TimeZone', 'UTC', false), set_config('DateStyle', 'ISO, YMD', false), "
        "set_config('IntervalStyle', 'postgres', false), set_config('extra_float_digits', '3', false), "
        "set_config('bytea_output', 'hex', false)");
  } catch (const DbError& e) {
    throw to_plugin_error(e);
  }
  return c;
}

PgResult Connection::exec(const std::string& sql, const Params& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params)
    values.push_back(p ? p->c_str() : nullptr);
  PgResult result(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr,
                               values.data(), nullptr, nullptr, 0));
  const PGresult* raw = result.get();
  const ExecStatusType status = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;

  const char* sqlstate = raw ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : nullptr;
  // No SQLSTATE means libpq itself failed, almost always because the connection is gone.
  const bool lost = PQstatus(conn_.get()) == CONNECTION_BAD;
  throw DbError(sqlstate ? sqlstate : (lost ? "08006" : "XX000"), describe(raw, conn_.get()));
}

std::string Connection::quote_ident(std::string_view name) const {
  char* quoted = PQescapeIdentifier(conn_.get(), name.data(), name.size());
  if (!quoted) throw plugin::Error("invalid_value", trim(PQerrorMessage(conn_.get())));
  std::string out = quoted;
  PQfreemem(quoted);
  return out;
}

std::string Connection::server_version() const {
  const char* v = PQparameterStatus(conn_.get(), "server_version");
  return v ? v : "unknown";
}

}  // namespace scratch::postgres

// One libpq connection for the length of one contract call (calls may run concurrently; none share one).
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scratch::postgres {

// A text-format query result; values are valid while the PgResult lives.
class PgResult {
 public:
  explicit PgResult(PGresult* result) : result_(result, &PQclear) {}
  const PGresult* get() const { return result_.get(); }
  int rows() const { return PQntuples(result_.get()); }
  bool is_null(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }
  std::string_view value(int row, int column) const {
    return {PQgetvalue(result_.get(), row, column),
            static_cast<std::size_t>(PQgetlength(result_.get(), row, column))};
  }

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> result_;
};

// nullopt binds SQL NULL.
using Params = std::vector<std::optional<std::string>>;

class Connection {
 public:
  // Connects with connect_timeout=10 and application_name=scratch unless the string says otherwise, and
  // sets the session up for stable output (UTC, ISO dates). Throws scratch::plugin::Error
  // ("auth_failed" / "connection_failed") with libpq's message, the password blanked out.
  static Connection open(const std::string& connection_string);

  // Runs one statement with text parameters. Throws DbError.
  PgResult exec(const std::string& sql, const Params& params = {});

  // name as a quoted SQL identifier (PQescapeIdentifier), e.g. Order Items -> "Order Items".
  std::string quote_ident(std::string_view name) const;
  // E.g. "15.4 (Debian 15.4-1)": the server_version the server reported at connect time.
  std::string server_version() const;

 private:
  explicit Connection(PGconn* conn) : conn_(conn, &PQfinish) {}
  std::unique_ptr<PGconn, void (*)(PGconn*)> conn_;
};

}  // namespace scratch::postgres

// Writes. The batch runs in one transaction, each op inside its own savepoint: a failed statement aborts
// only back to its savepoint, so one bad op costs nothing but its own result.
#include "write_batch.hpp"

#include "db_error.hpp"
#include "record_id.hpp"
#include "row_codec.hpp"
#include "spec.hpp"
#include "value_encoding.hpp"

namespace scratch::postgres {
namespace {

using nlohmann::json;
using plugin::Error;

enum class OpKind { Create, Update, Delete };

// One op's statement, built and bound before anything runs, so invalid input never reaches the server.
struct Statement {
  OpKind kind = OpKind::Create;
  std::string sql;
  Params params;
};

class StatementBuilder {
 public:
  StatementBuilder(Connection& conn, const Table& table)
      : conn_(conn),
        table_(table),
        qualified_(conn.quote_ident(table.schema) + "." + conn.quote_ident(table.name)),
        returning_(select_list(conn, table)) {}

  Statement build(const json& op) const {
    if (!op.is_object()) throw Error("invalid_request", "an op must be an object");
    const std::string kind = op.contains("op") && op["op"].is_string() ? op["op"].get<std::string>() : "";
    const json fields = op.contains("fields") && !op["fields"].is_null() ? op["fields"] : json::object();
    if (!fields.is_object()) throw Error("invalid_request", "\"fields\" must be an object");
    if (kind == "create") return create(fields);
    if (kind == "update") return update(key_params(op), fields);
    if (kind == "delete") return remove(key_params(op));
    throw Error("invalid_request", "unknown op \"" + kind + "\": expected create, update or delete");
  }

 private:
  // (column, `$n::type` placeholder) for each written field; binds the values into params.
  std::vector<std::pair<std::string, std::string>> bind_fields(const json& fields, Params& params) const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [name, value] : fields.items()) {
      const Column* column = find_column(name);
      if (!column) throw Error("unknown_field", "no field \"" + name + "\" in " + table_.id());
      if (column->read_only) throw Error("read_only", "field \"" + name + "\" is read-only");
      params.push_back(encode_value(*column, value));
      out.emplace_back(conn_.quote_ident(name), placeholder(params.size(), *column));
    }
    return out;
  }

  Statement create(const json& fields) const {
    Statement s;
    s.kind = OpKind::Create;
    const auto bound = bind_fields(fields, s.params);
    if (bound.empty()) {
      s.sql = "INSERT INTO " + qualified_ + " DEFAULT VALUES";
    } else {
      std::string columns, values;
      for (const auto& [column, value] : bound) {
        columns += (columns.empty() ? "" : ", ") + column;
        values += (values.empty() ? "" : ", ") + value;
      }
      s.sql = "INSERT INTO " + qualified_ + " (" + columns + ") VALUES (" + values + ")";
    }
    s.sql += " RETURNING " + returning_;
    return s;
  }

  Statement update(std::vector<std::string> key, const json& fields) const {
    Statement s;
    s.kind = OpKind::Update;
    const auto bound = bind_fields(fields, s.params);
    const std::string where = key_condition(std::move(key), s.params);
    if (bound.empty()) {
      // Nothing to change: report the row as it is (or not_found), like an update that changed nothing.
      s.sql = "SELECT " + returning_ + " FROM " + qualified_ + " WHERE " + where;
      return s;
    }
    std::string assignments;
    for (const auto& [column, value] : bound)
      assignments += (assignments.empty() ? "" : ", ") + column + " = " + value;
    s.sql = "UPDATE " + qualified_ + " SET " + assignments + " WHERE " + where + " RETURNING " + returning_;
    return s;
  }

  Statement remove(std::vector<std::string> key) const {
    Statement s;
    s.kind = OpKind::Delete;
    s.sql = "DELETE FROM " + qualified_ + " WHERE " + key_condition(std::move(key), s.params) +
            " RETURNING " + returning_;
    return s;
  }

  std::vector<std::string> key_params(const json& op) const {
    if (!op.contains("id") || op["id"].is_null())
      throw Error("invalid_request", "update and delete need an \"id\"");
    auto key = parse_record_id(op["id"], table_.key.size());
    // Malformed ids are invalid_value, like ids whose parts do not parse as the key's type (the server
    // reports those); not_found is for well-formed ids with no row.
    if (!key)
      throw Error("invalid_value", "\"" + id_text(op["id"]) + "\" is not a record id of " + table_.id());
    return std::move(*key);
  }

  // (k1, k2) = ($n::t1, $m::t2), binding key's parts.
  std::string key_condition(std::vector<std::string> key, Params& params) const {
    std::string columns, values;
    for (std::size_t i = 0; i < table_.key.size(); ++i) {
      const Column& column = table_.columns[table_.key[i]];
      params.emplace_back(std::move(key[i]));
      columns += (i ? ", " : "") + conn_.quote_ident(column.name);
      values += (i ? ", " : "") + placeholder(params.size(), column);
    }
    return "(" + columns + ") = (" + values + ")";
  }

  const Column* find_column(const std::string& name) const {
    for (const auto& column : table_.columns) {
      if (column.name == name) return &column;
    }
    return nullptr;
  }

  static std::string placeholder(std::size_t n, const Column& column) {
    return "$" + std::to_string(n) + "::" + column.sql_type;
  }

  static std::string id_text(const json& id) { return id.is_string() ? id.get<std::string>() : id.dump(); }

  Connection& conn_;
  const Table& table_;
  std::string qualified_;
  std::string returning_;
};

json failure(const json& ref, const std::string& code, const std::string& message, bool retryable) {
  return {{"ref", ref},
          {"ok", false},
          {"error", {{"code", code}, {"message", message}, {"retryable", retryable}}}};
}

// Runs one op inside a savepoint. When even the rollback to the savepoint fails (the connection is gone),
// its DbError propagates: the whole transaction is lost, so no per-op result would be true.
json run_op(Connection& conn, const Table& table, const StatementBuilder& builder, const json& op) {
  const json ref = op.is_object() && op.contains("ref") ? op["ref"] : json(nullptr);
  Statement statement;
  try {
    statement = builder.build(op);
  } catch (const Error& e) {
    return failure(ref, e.code(), e.what(), e.retryable());
  }

  conn.exec("SAVEPOINT scratch_op");
  try {
    PgResult result = conn.exec(statement.sql, statement.params);
    conn.exec("RELEASE SAVEPOINT scratch_op");
    if (result.rows() == 0 && statement.kind == OpKind::Create) {
      return failure(ref, "database_error", "the database stored no row (a trigger or rule skipped it)",
                     false);
    }
    if (result.rows() == 0)
      return failure(ref, "not_found", "no record with this id in " + table.id(), false);
    DecodedRow row = decode_row(table, result, 0);
    // A deleted record has no stored fields any more.
    if (statement.kind == OpKind::Delete) row.fields = json::object();
    return {{"ref", ref}, {"ok", true}, {"id", std::move(row.id)}, {"fields", std::move(row.fields)}};
  } catch (const DbError& e) {
    conn.exec("ROLLBACK TO SAVEPOINT scratch_op");
    conn.exec("RELEASE SAVEPOINT scratch_op");
    const ErrorKind kind = classify_sqlstate(e.sqlstate());
    return failure(ref, kind.code, e.what(), kind.retryable);
  }
}

}  // namespace

json write_batch(Connection& conn, const Table& table, const json& ops, const plugin::Host& host) {
  if (!ops.is_array()) throw Error("invalid_request", "\"ops\" must be an array");
  if (ops.size() > kMaxWriteBatch) {
    throw Error("invalid_request", "at most " + std::to_string(kMaxWriteBatch) + " ops per write");
  }
  json results = json::array();
  if (!table.has_primary_key()) {
    for (const auto& op : ops) {
      const json ref = op.is_object() && op.contains("ref") ? op["ref"] : json(nullptr);
      results.push_back(
          failure(ref, "read_only", table.id() + " has no primary key, so it is read-only", false));
    }
    return {{"results", std::move(results)}};
  }

  const StatementBuilder builder(conn, table);
  try {
    conn.exec("BEGIN");
    for (const auto& op : ops) {
      // Stopping here abandons the open transaction, so a cancelled batch writes nothing.
      host.throw_if_cancelled();
      results.push_back(run_op(conn, table, builder, op));
    }
    // A deferred constraint fails here, for the batch as a whole.
    conn.exec("COMMIT");
  } catch (const DbError& e) {
    throw to_plugin_error(e);
  }
  return {{"results", std::move(results)}};
}

}  // namespace scratch::postgres

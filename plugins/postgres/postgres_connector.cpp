// The PostgreSQL connector: the four contract calls, each on its own connection, exported to the host.
#include <scratch/plugin.hpp>

#include "catalog.hpp"
#include "connection.hpp"
#include "connection_settings.hpp"
#include "db_error.hpp"
#include "read_page.hpp"
#include "spec.hpp"
#include "write_batch.hpp"

namespace scratch::postgres {
namespace {

using plugin::Call;
using plugin::Error;
using plugin::Host;
using plugin::json;

std::string table_id_of(const json& request) {
  const auto it = request.find("table");
  if (it == request.end() || !it->is_string()) throw Error("invalid_request", "request.table is required");
  return it->get<std::string>();
}

// Stateless: a connection per call keeps concurrent calls apart without locks, and a connection's cost is
// small next to a page or batch.
class PostgresConnector : public plugin::Connector {
 public:
  json check(Host&, const Call& call) override {
    Connection conn = Connection::open(parse_settings(call.config, call.credentials).connection_string);
    try {
      conn.exec("SELECT 1");
    } catch (const DbError& e) {
      throw to_plugin_error(e);
    }
    return {{"ok", true}, {"message", "PostgreSQL " + conn.server_version()}};
  }

  json list_tables(Host&, const Call& call) override {
    const ConnectionSettings settings = parse_settings(call.config, call.credentials);
    Connection conn = Connection::open(settings.connection_string);
    json tables = json::array();
    for (const auto& table : load_tables(conn, settings.schemas))
      tables.push_back(describe_table(table));
    return {{"tables", std::move(tables)}};
  }

  json read(Host& host, const Call& call) override {
    const ConnectionSettings settings = parse_settings(call.config, call.credentials);
    const std::string table_id = table_id_of(call.request);
    Connection conn = Connection::open(settings.connection_string);
    const Table table = load_table(conn, settings.schemas, table_id);
    host.throw_if_cancelled();
    json page = read_page(conn, table, call.request);
    host.debug("read " + table_id + ": " + std::to_string(page["records"].size()) + " records");
    return page;
  }

  json write(Host& host, const Call& call) override {
    const ConnectionSettings settings = parse_settings(call.config, call.credentials);
    const std::string table_id = table_id_of(call.request);
    const json ops = call.request.contains("ops") ? call.request["ops"] : json::array();
    Connection conn = Connection::open(settings.connection_string);
    const Table table = load_table(conn, settings.schemas, table_id);
    json results = write_batch(conn, table, ops, host);
    host.debug("write " + table_id + ": " + std::to_string(ops.size()) + " ops");
    return results;
  }
};

}  // namespace
}  // namespace scratch::postgres

SCRATCH_EXPORT_CONNECTOR(scratch::postgres::PostgresConnector, "postgres", "1.0.0",
                         scratch::postgres::kSpecJson)

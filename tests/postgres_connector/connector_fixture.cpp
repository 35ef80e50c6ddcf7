// Fixture helpers: call JSON, paging through a whole table, direct SQL through libpqxx.
#include "connector_fixture.hpp"

#include <pqxx/pqxx>

namespace scratch::test {

PluginClient& PostgresConnectorTest::plugin() {
  static PluginClient client(PG_PLUGIN_PATH);
  return client;
}

json PostgresConnectorTest::call_json(const json& request, const json& config) const {
  return {{"config", config},
          {"credentials", {{"connection_string", connection_string_}}},
          {"context", json::object()},
          {"request", request}};
}

PluginReply PostgresConnectorTest::check() {
  return plugin().call(&ScratchConnectorApi::check, call_json(json::object()));
}

PluginReply PostgresConnectorTest::list_tables(const json& config) {
  return plugin().call(&ScratchConnectorApi::list_tables, call_json(json::object(), config));
}

PluginReply PostgresConnectorTest::read(const std::string& table, const json& cursor, int page_size) {
  return plugin().call(&ScratchConnectorApi::read,
                       call_json({{"table", table}, {"cursor", cursor}, {"page_size", page_size}}));
}

PluginReply PostgresConnectorTest::write(const std::string& table, const json& ops) {
  return plugin().call(&ScratchConnectorApi::write, call_json({{"table", table}, {"ops", ops}}));
}

json PostgresConnectorTest::read_all(const std::string& table, int page_size, int* pages) {
  json records = json::array();
  json cursor = nullptr;
  int count = 0;
  do {
    const PluginReply page = read(table, cursor, page_size);
    EXPECT_TRUE(page.ok) << page.body.dump();
    if (!page.ok) break;
    for (const auto& record : page.body["records"])
      records.push_back(record);
    cursor = page.body["next_cursor"];
    ++count;
  } while (!cursor.is_null() && count < 10000);
  if (pages) *pages = count;
  return records;
}

json PostgresConnectorTest::find_table(const std::string& id, const json& config) {
  const PluginReply reply = list_tables(config);
  EXPECT_TRUE(reply.ok) << reply.body.dump();
  for (const auto& table : reply.body.value("tables", json::array())) {
    if (table["id"] == id) return table;
  }
  return nullptr;
}

void PostgresConnectorTest::sql(const std::string& statements) const {
  pqxx::connection c{db_.url()};
  pqxx::nontransaction n{c};
  n.exec(statements);
}

std::string PostgresConnectorTest::query_value(const std::string& query) const {
  pqxx::connection c{db_.url()};
  pqxx::nontransaction n{c};
  const pqxx::result r = n.exec(query);
  if (r.empty() || r[0][0].is_null()) return "";
  return r[0][0].c_str();
}

}  // namespace scratch::test

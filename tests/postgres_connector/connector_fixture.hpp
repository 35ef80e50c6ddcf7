// The fixture every PostgreSQL connector test uses: a fresh database, the loaded plugin, and helpers that
// build call JSON and run SQL directly (to set data up and to verify what the connector did).
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "plugin_client.hpp"
#include "support/test_database.hpp"

namespace scratch::test {

using nlohmann::json;

class PostgresConnectorTest : public ::testing::Test {
 protected:
  // The plugin is loaded once per process; calls are independent of each other.
  static PluginClient& plugin();

  // {"config":config,"credentials":{"connection_string":connection_string},"context":{},"request":request}
  json call_json(const json& request, const json& config = {{"schemas", {"public"}}}) const;

  PluginReply check();
  PluginReply list_tables(const json& config = {{"schemas", {"public"}}});
  PluginReply read(const std::string& table, const json& cursor = nullptr, int page_size = 500);
  PluginReply write(const std::string& table, const json& ops);

  // Reads every page (asserting each succeeds) and returns all records in order; pages gets the page count.
  json read_all(const std::string& table, int page_size, int* pages = nullptr);
  // The list_tables entry with this id, or null.
  json find_table(const std::string& id, const json& config = {{"schemas", {"public"}}});

  // Runs SQL (several statements allowed) on the test database.
  void sql(const std::string& statements) const;
  // The first column of the first row as text ("" for NULL or no row).
  std::string query_value(const std::string& query) const;

  TestDatabase db_;
  std::string connection_string_ = db_.url();
};

}  // namespace scratch::test

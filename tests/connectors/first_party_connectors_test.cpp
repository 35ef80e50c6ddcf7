// The CSV and PostgreSQL connectors read and write through the real host: loaded by Boost.DLL inside a
// connector-runner process and called over the runner protocol, exactly as the server calls them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <set>

#include "connectors/runner_pool.hpp"
#include "support/temp_dir.hpp"
#include "support/test_database.hpp"

namespace scratch::connectors {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

RunnerPool started_pool() {
  RunnerPool::Options o;
  o.executable = SCRATCHD_BIN;
  o.env = {{"SCRATCH_PLUGIN_DIRS", SCRATCH_PLUGINS_DIR}, {"SCRATCH_LOG_LEVEL", "warn"}};
  return RunnerPool(o);
}

json call_of(const json& config, const json& credentials, const std::string& files_dir, const json& request) {
  return {{"config", config},
          {"credentials", credentials},
          {"context", {{"account_id", "test"}, {"files_dir", files_dir}}},
          {"request", request}};
}

// Reads every page and returns the records.
json read_all(RunnerPool& pool, const std::string& connector, const json& base, const std::string& table,
              int page_size, int* pages) {
  json records = json::array();
  json cursor = nullptr;
  *pages = 0;
  do {
    json call = base;
    call["request"] = {{"table", table}, {"cursor", cursor}, {"page_size", page_size}};
    const auto r = pool.call(connector, "read", call, milliseconds(30000));
    EXPECT_TRUE(r.ok) << r.value.dump();
    if (!r.ok) break;
    for (const auto& rec : r.value["records"])
      records.push_back(rec);
    cursor = r.value["next_cursor"];
    ++*pages;
  } while (!cursor.is_null());
  return records;
}

TEST(CsvConnectorThroughHost, ReadsPagesAndWritesANewVersion) {
  test::TempDir dir;
  {
    std::ofstream out(dir.path() + "/v000001.csv");
    out << "sku,title,price\n";
    for (int i = 1; i <= 2500; ++i)
      out << "S" << i << ",\"Item, no. " << i << "\"," << i << ".5\n";
  }
  RunnerPool pool = started_pool();
  pool.start();
  const json base = call_of({{"id_column", "sku"}}, json::object(), dir.path(), json::object());
  int pages = 0;
  const json records = read_all(pool, "csv", base, "rows", 1000, &pages);
  ASSERT_EQ(records.size(), 2500u);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(records[0]["id"], "S1");
  EXPECT_EQ(records[0]["fields"]["title"], "Item, no. 1");
  EXPECT_EQ(records[0]["fields"]["price"], 1.5);

  json call = base;
  call["request"] = {
      {"table", "rows"},
      {"ops",
       {{{"op", "update"}, {"ref", "u"}, {"id", "S2"}, {"fields", {{"title", "Renamed"}}}},
        {{"op", "delete"}, {"ref", "d"}, {"id", "S3"}},
        {{"op", "create"}, {"ref", "c"}, {"fields", {{"sku", "NEW"}, {"title", "Fresh"}, {"price", 9}}}},
        {{"op", "update"}, {"ref", "missing"}, {"id", "S999999"}, {"fields", {{"title", "x"}}}}}}};
  const auto written = pool.call("csv", "write", call, milliseconds(30000));
  ASSERT_TRUE(written.ok) << written.value.dump();
  const json results = written.value["results"];
  ASSERT_EQ(results.size(), 4u);
  EXPECT_TRUE(results[0]["ok"].get<bool>());
  EXPECT_TRUE(results[1]["ok"].get<bool>());
  EXPECT_TRUE(results[2]["ok"].get<bool>());
  EXPECT_FALSE(results[3]["ok"].get<bool>());
  EXPECT_EQ(results[3]["error"]["code"], "not_found");
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/v000002.csv"));  // new version; the old one is kept
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/v000001.csv"));

  const json after = read_all(pool, "csv", base, "rows", 5000, &pages);
  ASSERT_EQ(after.size(), 2500u);  // one deleted, one created
  EXPECT_EQ(after[1]["fields"]["title"], "Renamed");
  EXPECT_EQ(after.back()["id"], "NEW");
}

TEST(PostgresConnectorThroughHost, KeysetPagesAndPerRecordWriteResults) {
  test::TestDatabase source;
  {
    pqxx::connection c{source.url()};
    pqxx::work w{c};
    w.exec0(
        "CREATE TABLE lines (order_id int, line int, product text NOT NULL UNIQUE, qty int CHECK (qty > 0), "
        "PRIMARY KEY (order_id, line))");
    w.exec0(
        "INSERT INTO lines SELECT o, l, 'p-' || o || '-' || l, 1 FROM generate_series(1, 250) o, "
        "generate_series(1, 10) l");
    w.commit();
  }
  RunnerPool pool = started_pool();
  pool.start();
  const json base = call_of(json::object(), {{"connection_string", source.url()}}, "", json::object());
  const auto tables = pool.call("postgres", "list_tables", base, milliseconds(30000));
  ASSERT_TRUE(tables.ok) << tables.value.dump();
  EXPECT_EQ(tables.value["tables"][0]["primary_key"], json({"order_id", "line"}));

  int pages = 0;
  const json records = read_all(pool, "postgres", base, "public.lines", 1000, &pages);
  ASSERT_EQ(records.size(), 2500u);
  EXPECT_EQ(pages, 3);
  std::set<std::string> ids;
  for (const auto& r : records)
    ids.insert(r["id"].get<std::string>());
  EXPECT_EQ(ids.size(), 2500u);

  json call = base;
  call["request"] = {
      {"table", "public.lines"},
      {"ops",
       {{{"op", "create"},
         {"ref", "ok"},
         {"fields", {{"order_id", 999}, {"line", 1}, {"product", "new"}, {"qty", 2}}}},
        {{"op", "create"},
         {"ref", "dup"},
         {"fields", {{"order_id", 999}, {"line", 2}, {"product", "p-1-1"}, {"qty", 1}}}},
        {{"op", "update"}, {"ref", "bad_qty"}, {"id", records[0]["id"]}, {"fields", {{"qty", 0}}}},
        {{"op", "delete"}, {"ref", "del"}, {"id", records[1]["id"]}}}}};
  const auto written = pool.call("postgres", "write", call, milliseconds(30000));
  ASSERT_TRUE(written.ok) << written.value.dump();
  const json results = written.value["results"];
  ASSERT_EQ(results.size(), 4u);
  EXPECT_TRUE(results[0]["ok"].get<bool>()) << results.dump();
  EXPECT_FALSE(results[1]["ok"].get<bool>());
  EXPECT_EQ(results[1]["error"]["code"], "constraint_violation");
  EXPECT_FALSE(results[2]["ok"].get<bool>());
  EXPECT_TRUE(results[3]["ok"].get<bool>());
  pqxx::connection c{source.url()};
  pqxx::nontransaction n{c};
  EXPECT_EQ(n.exec1("SELECT count(*) FROM lines")[0].as<int>(), 2500);  // +1 created, -1 deleted
  EXPECT_EQ(n.exec1("SELECT count(*) FROM lines WHERE order_id = 999")[0].as<int>(), 1);
  EXPECT_EQ(n.exec1("SELECT qty FROM lines WHERE order_id = 1 AND line = 1")[0].as<int>(), 1);
}

}  // namespace
}  // namespace scratch::connectors

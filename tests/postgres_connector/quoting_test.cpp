// Identifiers that need quoting (spaces, keywords, quotes, dots, capitals) all the way through the contract.
#include "connector_fixture.hpp"

namespace scratch::test {
namespace {

TEST_F(PostgresConnectorTest, IdentifiersNeedingQuotesWork) {
  sql(R"sql(
    CREATE SCHEMA "Sales Dept.";
    CREATE TABLE "Order Items" ("Item Id" int PRIMARY KEY, "select" text, "from" int, "we""ird" text);
    CREATE TABLE "Sales Dept."."Q1.results" ("key" text, "Order" int, PRIMARY KEY ("Order", "key"));
    INSERT INTO "Order Items" VALUES (1, 'one', 10, 'x');
  )sql");
  const json config = {{"schemas", {"public", "Sales Dept."}}};
  const json items = find_table("public.Order Items", config);
  ASSERT_FALSE(items.is_null());
  EXPECT_EQ(items["name"], "Order Items");
  EXPECT_EQ(items["primary_key"], json({"Item Id"}));
  EXPECT_EQ(items["fields"][3]["id"], "we\"ird");
  const json results = find_table("Sales Dept..Q1.results", config);
  ASSERT_FALSE(results.is_null());
  EXPECT_EQ(results["name"], "Sales Dept..Q1.results");
  EXPECT_EQ(results["primary_key"], json({"Order", "key"}));

  const PluginReply written =
      write("public.Order Items",
            json::array(
                {{{"op", "create"},
                  {"ref", "c"},
                  {"fields", {{"Item Id", 2}, {"select", "two"}, {"we\"ird", "y"}}}},
                 {{"op", "update"}, {"ref", "u"}, {"id", "1"}, {"fields", {{"select", "ONE"}, {"from", 11}}}},
                 {{"op", "delete"}, {"ref", "d"}, {"id", "2"}}}));
  ASSERT_TRUE(written.ok) << written.body.dump();
  for (const auto& result : written.body["results"])
    EXPECT_EQ(result["ok"], true) << result.dump();
  EXPECT_EQ(written.body["results"][0]["fields"]["we\"ird"], "y");
  EXPECT_EQ(query_value(R"(SELECT "select" || "from" FROM "Order Items")"), "ONE11");

  sql(R"(INSERT INTO "Sales Dept."."Q1.results" SELECT 'k' || n, n % 3 FROM generate_series(1, 7) AS n)");
  const PluginReply first = plugin().call(
      &ScratchConnectorApi::read, call_json({{"table", "Sales Dept..Q1.results"}, {"page_size", 4}}, config));
  ASSERT_TRUE(first.ok) << first.body.dump();
  EXPECT_EQ(first.body["records"].size(), 4u);
  const PluginReply second = plugin().call(
      &ScratchConnectorApi::read,
      call_json(
          {{"table", "Sales Dept..Q1.results"}, {"cursor", first.body["next_cursor"]}, {"page_size", 4}},
          config));
  ASSERT_TRUE(second.ok) << second.body.dump();
  EXPECT_EQ(second.body["records"].size(), 3u);
  EXPECT_TRUE(second.body["next_cursor"].is_null());
}

}  // namespace
}  // namespace scratch::test

// The CSV plugin's write through its C ABI: new versions, per-op results, ids, and untouched old versions.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "plugin_harness.hpp"
#include "support/temp_dir.hpp"

namespace scratch::csv::test {
namespace {

const char* const kItems =
    "sku,name,qty,active\n"
    "A1,Bolt,10,true\n"
    "B2,\"Nut, hex\",5,false\n"
    "C3,Washer,,true\n";

class CsvWriteTest : public testing::Test {
 protected:
  json read_all(const CsvAccount& account) {
    const PluginReply reply = account.read(nullptr, 5000);
    EXPECT_TRUE(reply.ok()) << reply.body;
    return reply.body["records"];
  }

  scratch::test::TempDir dir_{"csv-plugin"};
};

TEST_F(CsvWriteTest, AppliesOpsInOrderAndWritesANewVersion) {
  write_version(dir_.path(), 1, kItems);
  const CsvAccount account(dir_.path());
  const json ops = json::parse(R"([
    {"op":"update","ref":"u1","id":"2","fields":{"qty":6,"name":"Nut \"M4\""}},
    {"op":"delete","ref":"d1","id":"1"},
    {"op":"create","ref":"c1","fields":{"sku":"D4","name":"Spring","qty":1.5,"active":null}},
    {"op":"update","ref":"u2","id":"99","fields":{"qty":1}},
    {"op":"update","ref":"u3","id":"3","fields":{"colour":"red"}},
    {"op":"frobnicate","ref":"x1","id":"3"}
  ])");
  const PluginReply reply = account.write(ops);
  ASSERT_TRUE(reply.ok()) << reply.body;
  const json& results = reply.body["results"];
  ASSERT_EQ(results.size(), 6u);

  // Row 2 becomes row 1 once row 1 is deleted: results carry ids in the new version.
  EXPECT_EQ(results[0], json::parse(R"({"ref":"u1","ok":true,"id":"1",
      "fields":{"sku":"B2","name":"Nut \"M4\"","qty":6,"active":false}})"));
  EXPECT_EQ(results[1], json::parse(R"({"ref":"d1","ok":true,"id":"1",
      "fields":{"sku":"A1","name":"Bolt","qty":10,"active":true}})"));
  EXPECT_EQ(results[2], json::parse(R"({"ref":"c1","ok":true,"id":"3",
      "fields":{"sku":"D4","name":"Spring","qty":1.5,"active":null}})"));
  EXPECT_EQ(results[3]["ok"], false);
  EXPECT_EQ(results[3]["error"]["code"], "not_found");
  EXPECT_EQ(results[3]["error"]["retryable"], false);
  EXPECT_EQ(results[4]["ok"], false);
  EXPECT_EQ(results[4]["error"]["code"], "unknown_field");
  EXPECT_EQ(results[5]["ref"], "x1");
  EXPECT_EQ(results[5]["error"]["code"], "invalid_op");

  EXPECT_EQ(read_version(dir_.path(), 1), kItems);  // the old version is untouched
  EXPECT_EQ(read_version(dir_.path(), 2),
            "sku,name,qty,active\n"
            "B2,\"Nut \"\"M4\"\"\",6,false\n"
            "C3,Washer,,true\n"
            "D4,Spring,1.5,\n");
  EXPECT_EQ(account.check().body["message"], "4 columns, version 2");

  const json records = read_all(account);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[2]["id"], "3");
  EXPECT_EQ(records[2]["fields"]["sku"], "D4");
}

TEST_F(CsvWriteTest, NoNewVersionWhenEveryOpFails) {
  write_version(dir_.path(), 1, kItems);
  const CsvAccount account(dir_.path());
  const PluginReply reply = account.write(json::parse(R"([
    {"op":"update","ref":"a","id":"7","fields":{"qty":1}},
    {"op":"create","ref":"b","fields":{"nope":1}},
    {"op":"delete","ref":"c"},
    {"op":"create","ref":"d","fields":{"qty":{"nested":true}}}
  ])"));
  ASSERT_TRUE(reply.ok()) << reply.body;
  std::vector<std::string> codes;
  for (const json& r : reply.body["results"])
    codes.push_back(r["error"]["code"]);
  EXPECT_EQ(codes, (std::vector<std::string>{"not_found", "unknown_field", "invalid_op", "invalid_value"}));
  EXPECT_FALSE(version_exists(dir_.path(), 2));
  EXPECT_EQ(account.write(json::array()).body, json({{"results", json::array()}}));
  EXPECT_FALSE(version_exists(dir_.path(), 2));
}

TEST_F(CsvWriteTest, SeveralOpsOnOneRow) {
  write_version(dir_.path(), 1, kItems);
  const CsvAccount account(dir_.path());
  const PluginReply reply = account.write(json::parse(R"([
    {"op":"update","ref":"a","id":"1","fields":{"qty":11}},
    {"op":"update","ref":"b","id":"1","fields":{"active":false}},
    {"op":"delete","ref":"c","id":"1"},
    {"op":"update","ref":"d","id":"1","fields":{"qty":12}}
  ])"));
  ASSERT_TRUE(reply.ok()) << reply.body;
  const json& r = reply.body["results"];
  EXPECT_EQ(r[1]["fields"]["qty"], 11);
  EXPECT_EQ(r[1]["fields"]["active"], false);
  EXPECT_EQ(r[2]["ok"], true);
  EXPECT_EQ(r[3]["error"]["code"], "not_found");
  EXPECT_EQ(read_all(account).size(), 2u);
}

TEST_F(CsvWriteTest, RowNumberIdsShiftAfterDeletes) {
  write_version(dir_.path(), 1, "n\na\nb\nc\nd\n");
  const CsvAccount account(dir_.path());
  ASSERT_TRUE(account.write(json::parse(R"([{"op":"delete","ref":"x","id":"2"}])")).ok());
  const json records = read_all(account);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1], json::parse(R"({"id":"2","fields":{"n":"c"},"updated_at":null})"));

  // Ids resolve against the current version: "2" is now c.
  ASSERT_TRUE(account.write(json::parse(R"([{"op":"update","ref":"x","id":"2","fields":{"n":"C"}}])")).ok());
  EXPECT_EQ(read_version(dir_.path(), 3), "n\na\nC\nd\n");
}

TEST_F(CsvWriteTest, IdColumnGivesStableIds) {
  write_version(dir_.path(), 1, kItems);
  const CsvAccount account(dir_.path(), {{"id_column", "sku"}});
  const PluginReply reply = account.write(json::parse(R"([
    {"op":"delete","ref":"d","id":"A1"},
    {"op":"update","ref":"u","id":"C3","fields":{"qty":3}},
    {"op":"create","ref":"c1","fields":{"sku":"E5","name":"Pin"}},
    {"op":"create","ref":"c2","id":"F6","fields":{"name":"Rivet"}},
    {"op":"create","ref":"c3","fields":{"sku":"B2","name":"Clash"}},
    {"op":"create","ref":"c4","fields":{"sku":"E5","name":"Again"}},
    {"op":"create","ref":"c5","fields":{"name":"No id"}}
  ])"));
  ASSERT_TRUE(reply.ok()) << reply.body;
  const json& r = reply.body["results"];
  EXPECT_EQ(r[0]["id"], "A1");
  EXPECT_EQ(r[1]["id"], "C3");
  EXPECT_EQ(r[1]["fields"]["qty"], 3);
  EXPECT_EQ(r[2]["id"], "E5");
  EXPECT_EQ(r[3]["id"], "F6");
  EXPECT_EQ(r[3]["fields"]["sku"], "F6");
  EXPECT_EQ(r[4]["error"]["code"], "duplicate_id");
  EXPECT_EQ(r[5]["error"]["code"], "duplicate_id");
  EXPECT_EQ(r[6]["error"]["code"], "invalid_value");

  std::vector<std::string> ids;
  for (const json& record : read_all(account))
    ids.push_back(record["id"]);
  EXPECT_EQ(ids, (std::vector<std::string>{"B2", "C3", "E5", "F6"}));
}

TEST_F(CsvWriteTest, KeepsTheDelimiterAndRoundTripsAwkwardText) {
  write_version(dir_.path(), 1, "a;b\n1;x\n");
  const CsvAccount account(dir_.path(), {{"delimiter", ";"}});
  const std::string awkward = " semi;colon, \"quoted\"\nnew line ";
  const PluginReply reply =
      account.write(json::array({{{"op", "create"}, {"ref", "c"}, {"fields", {{"a", 2}, {"b", awkward}}}}}));
  ASSERT_TRUE(reply.ok()) << reply.body;
  const json records = read_all(account);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1]["fields"]["a"], 2);
  EXPECT_EQ(records[1]["fields"]["b"], awkward);
}

TEST_F(CsvWriteTest, CursorGoesStaleAfterAWrite) {
  write_version(dir_.path(), 1, kItems);
  const CsvAccount account(dir_.path());
  const PluginReply page = account.read(nullptr, 1);
  ASSERT_TRUE(page.body["next_cursor"].is_string());
  ASSERT_TRUE(account.write(json::parse(R"([{"op":"create","ref":"c","fields":{"sku":"Z9"}}])")).ok());
  EXPECT_EQ(account.read(page.body["next_cursor"], 1).error_code(), "cursor_stale");
}

TEST_F(CsvWriteTest, LeavesNoTempFilesBehind) {
  write_version(dir_.path(), 1, kItems);
  const CsvAccount account(dir_.path());
  ASSERT_TRUE(account.write(json::parse(R"([{"op":"delete","ref":"d","id":"1"}])")).ok());
  ASSERT_TRUE(account.write(json::parse(R"([{"op":"delete","ref":"d","id":"77"}])")).ok());
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"v000001.csv", "v000002.csv"}));
}

TEST_F(CsvWriteTest, WriteOnMissingOrMalformedFile) {
  const CsvAccount account(dir_.path());
  EXPECT_EQ(account.write(json::array()).error_code(), "file_missing");
  write_version(dir_.path(), 1, "a,b\n1,2\n3\n");
  const PluginReply reply = account.write(json::parse(R"([{"op":"create","ref":"c","fields":{"a":"x"}}])"));
  EXPECT_EQ(reply.error_code(), "csv_malformed");
  EXPECT_EQ(reply.body["message"], "line 3: row has 1 fields but the header has 2");
  EXPECT_FALSE(version_exists(dir_.path(), 2));
}

}  // namespace
}  // namespace scratch::csv::test

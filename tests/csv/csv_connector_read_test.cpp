// The CSV plugin through its C ABI: descriptor and spec, check, list_tables and paged reads.
#include <gtest/gtest.h>

#include <string>

#include "plugin_harness.hpp"
#include "support/temp_dir.hpp"

namespace scratch::csv::test {
namespace {

const char* const kPeople =
    "id,name,age,member,joined,zip\n"
    "1,Ada,36,true,2024-01-15,02139\n"
    "2,\"Lovelace, Jr.\",,FALSE,2023-12-01,10001\n"
    "3,\"multi\nline\",7.5,true,,94105\n";

class CsvReadTest : public testing::Test {
 protected:
  scratch::test::TempDir dir_{"csv-plugin"};
};

TEST_F(CsvReadTest, DescriptorAndSpec) {
  const ScratchPluginDescriptor& d = csv_plugin();
  EXPECT_EQ(d.abi_version, SCRATCH_PLUGIN_ABI_VERSION);
  EXPECT_STREQ(d.name, "csv");
  const json spec = json::parse(d.spec_json);
  EXPECT_EQ(spec["display_name"], "CSV file");
  EXPECT_EQ(spec["capabilities"], json({"read", "create", "update", "delete"}));
  EXPECT_EQ(spec["limits"]["max_page_size"], 5000);
  EXPECT_EQ(spec["limits"]["max_write_batch"], 1000);
  EXPECT_EQ(spec["limits"]["requests_per_second"], 0);
  const json& config = spec["config_schema"];
  EXPECT_EQ(config["additionalProperties"], false);
  EXPECT_EQ(config["properties"]["infer_types"]["default"], true);
  EXPECT_EQ(config["properties"]["delimiter"]["default"], ",");
  EXPECT_EQ(config["properties"]["delimiter"]["maxLength"], 1);
  EXPECT_EQ(config["properties"]["table_name"]["type"], "string");
  EXPECT_EQ(config["properties"]["id_column"]["type"], "string");
  EXPECT_EQ(spec["credentials_schema"], json({{"type", "object"}, {"additionalProperties", false}}));
}

TEST_F(CsvReadTest, CheckReportsColumnsAndVersion) {
  write_version(dir_.path(), 1, kPeople);
  PluginReply reply = CsvAccount(dir_.path()).check();
  ASSERT_TRUE(reply.ok()) << reply.body;
  EXPECT_EQ(reply.body, json({{"ok", true}, {"message", "6 columns, version 1"}}));

  write_version(dir_.path(), 2, "a,b\n");
  reply = CsvAccount(dir_.path()).check();
  EXPECT_EQ(reply.body["message"], "2 columns, version 2");
}

TEST_F(CsvReadTest, CheckFailures) {
  PluginReply reply = CsvAccount(dir_.path()).check();
  EXPECT_EQ(reply.error_code(), "file_missing") << reply.body;

  write_version(dir_.path(), 1, "");
  reply = CsvAccount(dir_.path()).check();
  EXPECT_EQ(reply.error_code(), "csv_malformed") << reply.body;

  write_version(dir_.path(), 1, "a,\xFF\n");
  reply = CsvAccount(dir_.path()).check();
  EXPECT_EQ(reply.error_code(), "csv_malformed");
  EXPECT_EQ(reply.body["message"].get<std::string>().rfind("line 1:", 0), 0u) << reply.body;

  write_version(dir_.path(), 1, "a,b\n");
  reply = CsvAccount(dir_.path(), {{"id_column", "nope"}}).check();
  EXPECT_EQ(reply.error_code(), "invalid_config") << reply.body;

  reply = CsvAccount(dir_.path(), {{"delimiter", "\""}}).check();
  EXPECT_EQ(reply.error_code(), "invalid_config") << reply.body;
}

TEST_F(CsvReadTest, ListTablesInfersTypes) {
  write_version(dir_.path(), 1, kPeople);
  const PluginReply reply = CsvAccount(dir_.path()).list_tables();
  ASSERT_TRUE(reply.ok()) << reply.body;
  const json& table = reply.body["tables"].at(0);
  EXPECT_EQ(reply.body["tables"].size(), 1u);
  EXPECT_EQ(table["id"], "rows");
  EXPECT_EQ(table["name"], "CSV");
  EXPECT_EQ(table["primary_key"], json({"_row"}));
  EXPECT_EQ(table["read_only"], false);
  const json expected_fields = json::parse(R"([
    {"id":"id","name":"id","type":"number","read_only":false},
    {"id":"name","name":"name","type":"text","read_only":false},
    {"id":"age","name":"age","type":"number","read_only":false},
    {"id":"member","name":"member","type":"boolean","read_only":false},
    {"id":"joined","name":"joined","type":"date","read_only":false},
    {"id":"zip","name":"zip","type":"text","read_only":false}])");
  EXPECT_EQ(table["fields"], expected_fields);
}

TEST_F(CsvReadTest, ListTablesDeduplicatesAndNamesColumns) {
  write_version(dir_.path(), 1, "name,name,,name_2,name\n1,2,3,4,5\n");
  const PluginReply reply =
      CsvAccount(dir_.path(), {{"table_name", "People"}, {"id_column", "name_3"}}).list_tables();
  ASSERT_TRUE(reply.ok()) << reply.body;
  const json& table = reply.body["tables"][0];
  EXPECT_EQ(table["name"], "People");
  EXPECT_EQ(table["primary_key"], json({"name_3"}));
  std::vector<std::string> ids;
  std::vector<std::string> names;
  for (const json& f : table["fields"]) {
    ids.push_back(f["id"]);
    names.push_back(f["name"]);
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"name", "name_3", "column_3", "name_2", "name_4"}));
  EXPECT_EQ(names, (std::vector<std::string>{"name", "name", "column_3", "name_2", "name"}));
}

TEST_F(CsvReadTest, InferenceCanBeTurnedOff) {
  write_version(dir_.path(), 1, kPeople);
  const CsvAccount account(dir_.path(), {{"infer_types", false}});
  const PluginReply tables = account.list_tables();
  for (const json& f : tables.body["tables"][0]["fields"])
    EXPECT_EQ(f["type"], "text") << f;
  const PluginReply page = account.read(nullptr, 10);
  EXPECT_EQ(page.body["records"][0]["fields"]["age"], "36");
  EXPECT_EQ(page.body["records"][0]["fields"]["member"], "true");
  EXPECT_EQ(page.body["records"][1]["fields"]["age"], nullptr);
}

TEST_F(CsvReadTest, ReadsTypedValues) {
  write_version(dir_.path(), 1, kPeople);
  const PluginReply reply = CsvAccount(dir_.path()).read(nullptr, 500);
  ASSERT_TRUE(reply.ok()) << reply.body;
  const json expected = json::parse(R"({"records":[
    {"id":"1","updated_at":null,"fields":{"id":1,"name":"Ada","age":36,"member":true,"joined":"2024-01-15","zip":"02139"}},
    {"id":"2","updated_at":null,"fields":{"id":2,"name":"Lovelace, Jr.","age":null,"member":false,"joined":"2023-12-01","zip":"10001"}},
    {"id":"3","updated_at":null,"fields":{"id":3,"name":"multi\nline","age":7.5,"member":true,"joined":null,"zip":"94105"}}
  ],"next_cursor":null})");
  EXPECT_EQ(reply.body, expected);
}

TEST_F(CsvReadTest, IdColumnGivesRecordIds) {
  write_version(dir_.path(), 1, "code,label\nA7,x\nB2,y\n");
  const PluginReply reply = CsvAccount(dir_.path(), {{"id_column", "code"}}).read(nullptr, 10);
  ASSERT_TRUE(reply.ok()) << reply.body;
  EXPECT_EQ(reply.body["records"][0]["id"], "A7");
  EXPECT_EQ(reply.body["records"][1]["id"], "B2");
}

TEST_F(CsvReadTest, ValueOutsideTheSampleStaysAString) {
  std::string text = "n,flag\n";
  for (int i = 1; i <= 1000; ++i)
    text += std::to_string(i) + ",true\n";
  text += "n/a,maybe\n";
  write_version(dir_.path(), 1, text);
  const CsvAccount account(dir_.path());
  const json fields = account.list_tables().body["tables"][0]["fields"];
  EXPECT_EQ(fields[0]["type"], "number");
  EXPECT_EQ(fields[1]["type"], "boolean");

  const PluginReply first = account.read(nullptr, 1000);
  ASSERT_TRUE(first.ok()) << first.body;
  EXPECT_EQ(first.body["records"][999]["fields"]["n"], 1000);
  const PluginReply last = account.read(first.body["next_cursor"], 1000);
  ASSERT_TRUE(last.ok()) << last.body;
  ASSERT_EQ(last.body["records"].size(), 1u);
  EXPECT_EQ(last.body["records"][0]["id"], "1001");
  EXPECT_EQ(last.body["records"][0]["fields"], json({{"n", "n/a"}, {"flag", "maybe"}}));
  EXPECT_EQ(last.body["next_cursor"], nullptr);
}

// Pages through `rows` data rows with `page_size`, returning the page sizes seen.
std::vector<std::size_t> page_sizes(const CsvAccount& account, int page_size, std::vector<std::string>& ids) {
  std::vector<std::size_t> sizes;
  json cursor = nullptr;
  do {
    const PluginReply page = account.read(cursor, page_size);
    EXPECT_TRUE(page.ok()) << page.body;
    if (!page.ok()) break;
    sizes.push_back(page.body["records"].size());
    for (const json& r : page.body["records"])
      ids.push_back(r["id"]);
    cursor = page.body["next_cursor"];
  } while (!cursor.is_null());
  return sizes;
}

TEST_F(CsvReadTest, PagesWithCursors) {
  std::string text = "\xEF\xBB\xBFn,note\r\n";
  for (int i = 1; i <= 7; ++i)
    text += std::to_string(i) + ",\"line " + std::to_string(i) + "\r\nnext\"\r\n";
  write_version(dir_.path(), 1, text);
  const CsvAccount account(dir_.path());

  std::vector<std::string> ids;
  EXPECT_EQ(page_sizes(account, 3, ids), (std::vector<std::size_t>{3, 3, 1}));
  EXPECT_EQ(ids, (std::vector<std::string>{"1", "2", "3", "4", "5", "6", "7"}));

  ids.clear();  // a last full page still ends with next_cursor null, not an empty extra page
  EXPECT_EQ(page_sizes(account, 7, ids), (std::vector<std::size_t>{7}));
  ids.clear();
  EXPECT_EQ(page_sizes(account, 1, ids).size(), 7u);
}

TEST_F(CsvReadTest, PageSizeDefaultsAndCap) {
  std::string text = "n\n";
  for (int i = 1; i <= 5100; ++i)
    text += std::to_string(i) + "\n";
  write_version(dir_.path(), 1, text);
  const CsvAccount account(dir_.path());
  PluginReply reply = account.read(nullptr, 100000);
  ASSERT_TRUE(reply.ok()) << reply.body;
  EXPECT_EQ(reply.body["records"].size(), 5000u);

  char* out = nullptr;
  const json call = {{"context", {{"files_dir", dir_.path()}}}, {"request", {{"table", "rows"}}}};
  ASSERT_EQ(csv_plugin().api->read(nullptr, call.dump().c_str(), &out), SCRATCH_OK);
  EXPECT_EQ(json::parse(out)["records"].size(), 500u);
  csv_plugin().api->free_string(out);

  reply = account.read(nullptr, 0);
  EXPECT_EQ(reply.error_code(), "invalid_request");
}

TEST_F(CsvReadTest, StaleAndInvalidCursors) {
  write_version(dir_.path(), 1, "n\n1\n2\n3\n");
  const CsvAccount account(dir_.path());
  const PluginReply first = account.read(nullptr, 1);
  ASSERT_TRUE(first.ok()) << first.body;
  const json cursor = first.body["next_cursor"];
  ASSERT_TRUE(cursor.is_string());

  EXPECT_EQ(account.read("garbage", 1).error_code(), "invalid_cursor");
  EXPECT_EQ(account.read(42, 1).error_code(), "invalid_cursor");

  write_version(dir_.path(), 2, "n\n1\n");
  const PluginReply stale = account.read(cursor, 1);
  EXPECT_EQ(stale.error_code(), "cursor_stale") << stale.body;
  EXPECT_EQ(stale.body["retryable"], false);
}

TEST_F(CsvReadTest, UnknownTable) {
  write_version(dir_.path(), 1, "n\n1\n");
  char* out = nullptr;
  const json call = {{"context", {{"files_dir", dir_.path()}}}, {"request", {{"table", "other"}}}};
  ASSERT_EQ(csv_plugin().api->read(nullptr, call.dump().c_str(), &out), SCRATCH_ERROR);
  EXPECT_EQ(json::parse(out)["code"], "not_found");
  csv_plugin().api->free_string(out);
}

TEST_F(CsvReadTest, MalformedRowNamesItsLine) {
  write_version(dir_.path(), 1, "a,b\n1,2\n\"x\ny\",3\n4,5,6\n");
  const CsvAccount account(dir_.path());
  const PluginReply first = account.read(nullptr, 1);
  ASSERT_FALSE(first.ok());  // the type sample already reaches the bad row
  EXPECT_EQ(first.error_code(), "csv_malformed");
  EXPECT_EQ(first.body["message"], "line 5: row has 3 fields but the header has 2");
}

TEST_F(CsvReadTest, MalformedRowBeyondTheSampleFailsTheReadThatReachesIt) {
  std::string text = "a,b\n";
  for (int i = 1; i <= 1500; ++i)
    text += std::to_string(i) + ",x\n";
  text += "bad\xC3(,y\n";
  write_version(dir_.path(), 1, text);
  const CsvAccount account(dir_.path());
  const PluginReply first = account.read(nullptr, 1000);
  ASSERT_TRUE(first.ok()) << first.body;
  const PluginReply second = account.read(first.body["next_cursor"], 1000);
  EXPECT_EQ(second.error_code(), "csv_malformed");
  EXPECT_EQ(second.body["message"].get<std::string>().rfind("line 1502: invalid UTF-8", 0), 0u)
      << second.body;
}

}  // namespace
}  // namespace scratch::csv::test

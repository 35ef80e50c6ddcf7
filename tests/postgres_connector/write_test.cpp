// write: one transaction per batch, one savepoint per op, per-op errors, and what results carry.
#include "connector_fixture.hpp"

namespace scratch::test {
namespace {

json op(const std::string& kind, const std::string& ref, const json& id, const json& fields) {
  json o = {{"op", kind}, {"ref", ref}};
  if (!id.is_null()) o["id"] = id;
  if (!fields.is_null()) o["fields"] = fields;
  return o;
}

class WriteTest : public PostgresConnectorTest {
 protected:
  void SetUp() override {
    sql(R"sql(
      CREATE TABLE people (
        id serial PRIMARY KEY,
        email text NOT NULL UNIQUE,
        age int CHECK (age >= 0),
        nick varchar(5),
        joined date DEFAULT '2024-01-01',
        tags text[],
        prefs jsonb,
        shout text GENERATED ALWAYS AS (upper(email)) STORED);
      INSERT INTO people (email, age) VALUES ('taken@example.com', 30);
    )sql");
  }
};

TEST_F(WriteTest, ConstraintViolationFailsOnlyItsOp) {
  const json ops = json::array({
      op("create", "ok1", nullptr, {{"email", "a@example.com"}, {"age", 1}}),
      op("create", "dup", nullptr, {{"email", "taken@example.com"}}),
      op("create", "neg", nullptr, {{"email", "neg@example.com"}, {"age", -1}}),
      op("create", "ok2", nullptr, {{"email", "b@example.com"}}),
      op("update", "upd", "1", {{"age", 31}}),
  });
  const PluginReply reply = write("public.people", ops);
  ASSERT_TRUE(reply.ok) << reply.body.dump();
  const json& results = reply.body["results"];
  ASSERT_EQ(results.size(), 5u);
  const std::vector<std::string> refs = {"ok1", "dup", "neg", "ok2", "upd"};
  for (std::size_t i = 0; i < refs.size(); ++i)
    EXPECT_EQ(results[i]["ref"], refs[i]);

  EXPECT_EQ(results[0]["ok"], true) << results[0].dump();
  EXPECT_EQ(results[1]["ok"], false);
  EXPECT_EQ(results[1]["error"]["code"], "constraint_violation");
  EXPECT_EQ(results[1]["error"]["retryable"], false);
  EXPECT_NE(results[1]["error"]["message"].get<std::string>().find("people_email_key"), std::string::npos)
      << results[1].dump();
  EXPECT_EQ(results[2]["error"]["code"], "constraint_violation");
  EXPECT_NE(results[2]["error"]["message"].get<std::string>().find("people_age_check"), std::string::npos)
      << results[2].dump();
  EXPECT_EQ(results[3]["ok"], true) << results[3].dump();
  EXPECT_EQ(results[4]["ok"], true) << results[4].dump();
  EXPECT_EQ(results[4]["fields"]["age"], 31);

  EXPECT_EQ(query_value("SELECT string_agg(email, ',' ORDER BY email) FROM people"),
            "a@example.com,b@example.com,taken@example.com");
  EXPECT_EQ(query_value("SELECT age FROM people WHERE id = 1"), "31");
}

TEST_F(WriteTest, CreateReturnsTheStoredRowAsReadReturnsIt) {
  const PluginReply reply =
      write("public.people", json::array({op("create", "r", nullptr, {{"email", "new@example.com"}})}));
  ASSERT_TRUE(reply.ok) << reply.body.dump();
  const json& result = reply.body["results"][0];
  ASSERT_EQ(result["ok"], true) << result.dump();
  EXPECT_EQ(result["id"], "2");
  EXPECT_EQ(result["fields"]["id"], 2);
  EXPECT_EQ(result["fields"]["joined"], "2024-01-01");  // the column default
  EXPECT_EQ(result["fields"]["shout"], "NEW@EXAMPLE.COM");
  EXPECT_TRUE(result["fields"]["age"].is_null());

  const PluginReply page = read("public.people");
  ASSERT_TRUE(page.ok) << page.body.dump();
  EXPECT_EQ(page.body["records"][1]["id"], result["id"]);
  EXPECT_EQ(page.body["records"][1]["fields"], result["fields"]);
}

TEST_F(WriteTest, BadValuesFailWithInvalidValue) {
  const PluginReply reply =
      write("public.people",
            json::array({
                op("create", "age", nullptr, {{"email", "x@example.com"}, {"age", "forty"}}),
                op("create", "long", nullptr, {{"email", "y@example.com"}, {"nick", "toolong"}}),
                op("create", "date", nullptr, {{"email", "z@example.com"}, {"joined", "2024-02-30"}}),
                op("create", "obj", nullptr, {{"email", "o@example.com"}, {"age", {{"a", 1}}}}),
                op("create", "fine", nullptr, {{"email", "w@example.com"}, {"nick", "short"}}),
            }));
  ASSERT_TRUE(reply.ok) << reply.body.dump();
  const json& results = reply.body["results"];
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(results[i]["ok"], false) << results[i].dump();
    EXPECT_EQ(results[i]["error"]["code"], "invalid_value") << results[i].dump();
  }
  // varchar(5) is enforced, not silently truncated by the parameter cast.
  EXPECT_NE(results[1]["error"]["message"].get<std::string>().find("too long"), std::string::npos);
  EXPECT_EQ(results[4]["ok"], true) << results[4].dump();
  EXPECT_EQ(query_value("SELECT count(*) FROM people"), "2");
}

TEST_F(WriteTest, UnknownAndReadOnlyFieldsAreRejected) {
  const PluginReply reply =
      write("public.people", json::array({
                                 op("create", "unknown", nullptr, {{"email", "u@example.com"}, {"nope", 1}}),
                                 op("update", "generated", "1", {{"shout", "HI"}}),
                             }));
  ASSERT_TRUE(reply.ok) << reply.body.dump();
  EXPECT_EQ(reply.body["results"][0]["error"]["code"], "unknown_field");
  EXPECT_EQ(reply.body["results"][1]["error"]["code"], "read_only");
  EXPECT_EQ(query_value("SELECT count(*) FROM people"), "1");
}

TEST_F(WriteTest, MissingIdsAreNotFound) {
  const PluginReply reply = write("public.people", json::array({
                                                       op("update", "u", "999", {{"age", 5}}),
                                                       op("delete", "d", "999", nullptr),
                                                       op("update", "empty", "999", json::object()),
                                                   }));
  ASSERT_TRUE(reply.ok) << reply.body.dump();
  for (const auto& result : reply.body["results"]) {
    EXPECT_EQ(result["ok"], false) << result.dump();
    EXPECT_EQ(result["error"]["code"], "not_found") << result.dump();
  }
}

TEST_F(WriteTest, MalformedIdsAreInvalidValues) {
  const PluginReply reply = write("public.people", json::array({
                                                       op("delete", "text", "abc", nullptr),
                                                       op("update", "array", "[1,2]", {{"age", 5}}),
                                                       op("delete", "object", {{"id", 1}}, nullptr),
                                                   }));
  ASSERT_TRUE(reply.ok) << reply.body.dump();
  for (const auto& result : reply.body["results"]) {
    EXPECT_EQ(result["ok"], false) << result.dump();
    EXPECT_EQ(result["error"]["code"], "invalid_value") << result.dump();
  }
}

TEST_F(WriteTest, DeleteRemovesTheRow) {
  const PluginReply reply = write("public.people", json::array({op("delete", "d", "1", nullptr)}));
  ASSERT_TRUE(reply.ok) << reply.body.dump();
  EXPECT_EQ(reply.body["results"][0]["ok"], true);
  EXPECT_EQ(reply.body["results"][0]["id"], "1");
  EXPECT_EQ(query_value("SELECT count(*) FROM people"), "0");
}

TEST_F(WriteTest, ArraysAndJsonRoundTrip) {
  const json tags = {"plain", "with,comma", "NULL", "quote\"and\\slash", nullptr, "{braces}"};
  const json prefs = json::parse(R"({"theme": "dark", "sizes": [1, 2.5], "nested": {"ok": true}})");
  const PluginReply reply =
      write("public.people",
            json::array(
                {op("create", "r", nullptr, {{"email", "arr@example.com"}, {"tags", tags}, {"prefs", prefs}}),
                 op("update", "s", "1", {{"prefs", "just a string"}, {"tags", json::array()}})}));
  ASSERT_TRUE(reply.ok) << reply.body.dump();
  const json& created = reply.body["results"][0];
  ASSERT_EQ(created["ok"], true) << created.dump();
  EXPECT_EQ(created["fields"]["tags"], tags);
  EXPECT_EQ(created["fields"]["prefs"], prefs);
  EXPECT_EQ(query_value("SELECT tags[3] IS NULL FROM people WHERE email = 'arr@example.com'"), "f");
  EXPECT_EQ(query_value("SELECT tags[5] IS NULL FROM people WHERE email = 'arr@example.com'"), "t");

  const json& updated = reply.body["results"][1];
  ASSERT_EQ(updated["ok"], true) << updated.dump();
  EXPECT_EQ(updated["fields"]["prefs"], "just a string");  // a JSON string value, stored as one
  EXPECT_EQ(updated["fields"]["tags"], json::array());
  EXPECT_EQ(query_value("SELECT jsonb_typeof(prefs) FROM people WHERE id = 1"), "string");
}

TEST_F(WriteTest, NullClearsAValue) {
  const PluginReply reply = write("public.people", json::array({op("update", "n", "1", {{"age", nullptr}})}));
  ASSERT_TRUE(reply.ok) << reply.body.dump();
  EXPECT_TRUE(reply.body["results"][0]["fields"]["age"].is_null());
  EXPECT_EQ(query_value("SELECT age IS NULL FROM people WHERE id = 1"), "t");
}

TEST_F(PostgresConnectorTest, CompositeKeyIdsAddressRows) {
  sql("CREATE TABLE lines (region text, n int, qty int, PRIMARY KEY (region, n)); "
      "INSERT INTO lines VALUES ('a', 2, 1), ('a', 3, 1)");
  const PluginReply reply = write("public.lines", json::array({
                                                      op("update", "u", R"(["a",2])", {{"qty", 7}}),
                                                      op("delete", "d", R"(["a","3"])", nullptr),
                                                      op("create", "c", nullptr, {{"region", "b"}, {"n", 1}}),
                                                  }));
  ASSERT_TRUE(reply.ok) << reply.body.dump();
  const json& results = reply.body["results"];
  EXPECT_EQ(results[0]["ok"], true) << results[0].dump();
  EXPECT_EQ(results[0]["id"], R"(["a",2])");
  EXPECT_EQ(results[1]["ok"], true) << results[1].dump();
  EXPECT_EQ(results[2]["id"], R"(["b",1])");
  EXPECT_EQ(
      query_value(
          "SELECT string_agg(region || n || ':' || coalesce(qty, 0), ',' ORDER BY region, n) FROM lines"),
      "a2:7,b1:0");
}

TEST_F(PostgresConnectorTest, TableWithoutPrimaryKeyRejectsEveryWrite) {
  sql("CREATE TABLE log (line text); INSERT INTO log VALUES ('kept')");
  const PluginReply reply = write("public.log", json::array({op("create", "c", nullptr, {{"line", "new"}}),
                                                             op("delete", "d", "(0,1)", nullptr)}));
  ASSERT_TRUE(reply.ok) << reply.body.dump();
  ASSERT_EQ(reply.body["results"].size(), 2u);
  for (const auto& result : reply.body["results"]) {
    EXPECT_EQ(result["ok"], false);
    EXPECT_EQ(result["error"]["code"], "read_only");
  }
  EXPECT_EQ(query_value("SELECT string_agg(line, ',') FROM log"), "kept");
}

TEST_F(PostgresConnectorTest, DeferredConstraintFailureWritesNothing) {
  sql(R"sql(
    CREATE TABLE parents (id int PRIMARY KEY);
    CREATE TABLE children (id int PRIMARY KEY,
      parent int REFERENCES parents DEFERRABLE INITIALLY DEFERRED);
  )sql");
  const PluginReply reply =
      write("public.children", json::array({op("create", "ok", nullptr, {{"id", 1}}),
                                            op("create", "orphan", nullptr, {{"id", 2}, {"parent", 99}})}));
  ASSERT_FALSE(reply.ok);
  EXPECT_EQ(reply.body["code"], "constraint_violation");
  EXPECT_EQ(query_value("SELECT count(*) FROM children"), "0");
}

}  // namespace
}  // namespace scratch::test

// read: values as JSON, keyset paging by (composite) primary key, ctid paging without one, bad input.
#include <set>
#include <thread>

#include "connector_fixture.hpp"

namespace scratch::test {
namespace {

TEST_F(PostgresConnectorTest, ReadsValuesAsJson) {
  sql(R"sql(
    CREATE TYPE mood AS ENUM ('sad', 'happy');
    CREATE TABLE everything (
      id int PRIMARY KEY, t text, ch char(3), u uuid, i8 bigint, num numeric(30, 3), small numeric(10, 2),
      f8 double precision, m money, b boolean, d date, ts timestamp, tstz timestamptz, j json, jb jsonb,
      ints int[], grid int[][], tags text[], feeling mood, bin bytea, iv interval, nothing text,
      doubled bigint GENERATED ALWAYS AS (i8 * 2) STORED);
    INSERT INTO everything VALUES (
      42, 'hello', 'ab', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 9007199254740993,
      12345678901234567890.125, 12.5, 0.1, '5.25', true, '2024-02-29', '2024-01-02 03:04:05.5',
      '2024-01-02 05:04:05+02', '{"a": [1, 2]}', '{"b": {"c": null}}', '{1,2,3}', '{{1,2},{3,4}}',
      '{"x","y,z",NULL}', 'happy', '\x0102', '1 day 02:00:00', NULL);
  )sql");
  const PluginReply reply = read("public.everything");
  ASSERT_TRUE(reply.ok) << reply.body.dump();
  ASSERT_EQ(reply.body["records"].size(), 1u);
  EXPECT_TRUE(reply.body["next_cursor"].is_null());
  const json& record = reply.body["records"][0];
  EXPECT_EQ(record["id"], "42");
  EXPECT_TRUE(record["updated_at"].is_null());
  const json& f = record["fields"];
  EXPECT_EQ(f["id"], 42);
  EXPECT_EQ(f["t"], "hello");
  EXPECT_EQ(f["ch"], "ab");  // char(n) as text drops its padding, as PostgreSQL does
  EXPECT_EQ(f["u"], "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
  EXPECT_EQ(f["i8"].get<std::int64_t>(), 9007199254740993);  // beyond 2^53: still exact
  EXPECT_EQ(f["num"], "12345678901234567890.125");           // beyond a double: a string
  EXPECT_EQ(f["small"], 12.5);
  EXPECT_EQ(f["f8"], 0.1);
  EXPECT_EQ(f["m"], 5.25);
  EXPECT_EQ(f["b"], true);
  EXPECT_EQ(f["d"], "2024-02-29");
  EXPECT_EQ(f["ts"], "2024-01-02T03:04:05.5");
  EXPECT_EQ(f["tstz"], "2024-01-02T03:04:05+00:00");
  EXPECT_EQ(f["j"], json::parse(R"({"a": [1, 2]})"));
  EXPECT_EQ(f["jb"], json::parse(R"({"b": {"c": null}})"));
  EXPECT_EQ(f["ints"], json({1, 2, 3}));
  EXPECT_EQ(f["grid"], json::parse("[[1,2],[3,4]]"));
  EXPECT_EQ(f["tags"], json::parse(R"(["x","y,z",null])"));
  EXPECT_EQ(f["feeling"], "happy");
  EXPECT_EQ(f["bin"], "\\x0102");
  EXPECT_EQ(f["iv"], "1 day 02:00:00");
  EXPECT_TRUE(f["nothing"].is_null());
  EXPECT_EQ(f["doubled"].get<std::int64_t>(), 18014398509481986);
}

TEST_F(PostgresConnectorTest, PagesThroughACompositeKeyInOrderWithoutGapsOrDuplicates) {
  // 2500 rows over a text+int key, inserted in shuffled order so that the heap order is not the key order.
  sql(R"sql(
    CREATE TABLE lines (region text, n int, payload text, PRIMARY KEY (region, n));
    INSERT INTO lines SELECT r, n, r || '-' || n
      FROM unnest(ARRAY['north', 'east', 'South', 'west', 'a b', 'x,y']) AS r, generate_series(1, 417) AS n
      WHERE (r, n) <> ('west', 417) AND (r, n) <> ('x,y', 417)
      ORDER BY random();
  )sql");
  ASSERT_EQ(query_value("SELECT count(*) FROM lines"), "2500");

  int pages = 0;
  const json records = read_all("public.lines", 1000, &pages);
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(records.size(), 2500u);

  // The exact order the database gives ORDER BY region, n (collation included).
  const json expected =
      json::parse(query_value("SELECT json_agg(json_build_array(region, n) ORDER BY region, n) FROM lines"));
  json got = json::array();
  std::set<std::string> seen;
  for (const auto& record : records) {
    const json key = json::parse(record["id"].get<std::string>());
    ASSERT_EQ(key.size(), 2u);
    EXPECT_EQ(key[0], record["fields"]["region"]);
    EXPECT_EQ(key[1], record["fields"]["n"]);  // a number inside the id, as read returns it
    got.push_back(key);
    seen.insert(record["id"]);
  }
  EXPECT_EQ(seen.size(), 2500u);
  EXPECT_EQ(got, expected);
  EXPECT_EQ(records[0]["id"], expected[0].dump());  // e.g. ["a b",1]
}

TEST_F(PostgresConnectorTest, LastFullPageHasNoNextCursor) {
  sql("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 20)");
  const PluginReply first = read("public.t", nullptr, 10);
  ASSERT_TRUE(first.ok) << first.body.dump();
  ASSERT_TRUE(first.body["next_cursor"].is_string());
  const PluginReply second = read("public.t", first.body["next_cursor"], 10);
  ASSERT_TRUE(second.ok) << second.body.dump();
  EXPECT_EQ(second.body["records"].size(), 10u);
  EXPECT_EQ(second.body["records"][0]["id"], "11");
  EXPECT_TRUE(second.body["next_cursor"].is_null());
}

TEST_F(PostgresConnectorTest, PageSizeIsCappedAt5000) {
  sql("CREATE TABLE t (id bigint PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 5003)");
  const PluginReply reply = read("public.t", nullptr, 100000);
  ASSERT_TRUE(reply.ok) << reply.body.dump();
  EXPECT_EQ(reply.body["records"].size(), 5000u);
  EXPECT_TRUE(reply.body["next_cursor"].is_string());
}

TEST_F(PostgresConnectorTest, TableWithoutPrimaryKeyIsStillReadable) {
  sql("CREATE TABLE log (line text); INSERT INTO log SELECT 'line ' || n FROM generate_series(1, 25) AS n");
  int pages = 0;
  const json records = read_all("public.log", 10, &pages);
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(records.size(), 25u);
  std::set<std::string> lines, ids;
  for (const auto& record : records) {
    lines.insert(record["fields"]["line"].get<std::string>());
    ids.insert(record["id"].get<std::string>());
  }
  EXPECT_EQ(lines.size(), 25u);
  EXPECT_EQ(ids.size(), 25u);
  EXPECT_EQ(records[0]["id"], "(0,1)");  // the ctid
}

TEST_F(PostgresConnectorTest, ForeignCursorIsRejected) {
  sql("CREATE TABLE t (id int PRIMARY KEY)");
  const PluginReply reply = read("public.t", "not a cursor!");
  ASSERT_FALSE(reply.ok);
  EXPECT_EQ(reply.body["code"], "invalid_cursor");
}

TEST_F(PostgresConnectorTest, CursorOfAnotherTableIsRejected) {
  sql(R"sql(
    CREATE TABLE pairs (a int, b int, PRIMARY KEY (a, b)); INSERT INTO pairs VALUES (1, 1), (1, 2);
    CREATE TABLE ints (id int PRIMARY KEY);
  )sql");
  const PluginReply first = read("public.pairs", nullptr, 1);
  ASSERT_TRUE(first.ok) << first.body.dump();
  const PluginReply reply = read("public.ints", first.body["next_cursor"]);
  ASSERT_FALSE(reply.ok);
  EXPECT_EQ(reply.body["code"], "invalid_cursor");
}

TEST_F(PostgresConnectorTest, UnknownTableIsNotFound) {
  sql("CREATE SCHEMA other; CREATE TABLE other.t (id int PRIMARY KEY)");
  for (const auto* table : {"public.nope", "other.t", "t"}) {
    const PluginReply reply = read(table);
    ASSERT_FALSE(reply.ok) << table;
    EXPECT_EQ(reply.body["code"], "not_found") << table;
  }
}

TEST_F(PostgresConnectorTest, ConcurrentReadsAreIndependent) {
  sql("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 300)");
  std::vector<std::size_t> counts(6);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    threads.emplace_back([&, i] {
      json cursor = nullptr;
      do {
        const PluginReply page = read("public.t", cursor, 7 + static_cast<int>(i));
        if (!page.ok) return;
        counts[i] += page.body["records"].size();
        cursor = page.body["next_cursor"];
      } while (!cursor.is_null());
    });
  }
  for (auto& thread : threads)
    thread.join();
  for (const auto count : counts)
    EXPECT_EQ(count, 300u);
}

}  // namespace
}  // namespace scratch::test

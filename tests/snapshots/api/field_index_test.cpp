// Big tables get indexes on demand: the first sort, filter or search by a field starts a snapshot.index job
// that builds a valid index on the table's partition, and pages read the same before and after it.
#include <pqxx/pqxx>

#include "snapshot_fixture.hpp"

namespace scratch::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class FieldIndexes : public SnapshotTest {};

// The index jobs of this user, once none is queued or running any more.
json settled_index_jobs(const ApiUser& user) {
  json jobs;
  const auto deadline = std::chrono::steady_clock::now() + 90s;
  while (std::chrono::steady_clock::now() < deadline) {
    jobs = user.get_ok("/api/v1/jobs?type=snapshot.index&limit=50")["items"];
    bool busy = false;
    for (const auto& j : jobs)
      busy |= j["state"] == "queued" || j["state"] == "running";
    if (!jobs.empty() && !busy) return jobs;
    std::this_thread::sleep_for(250ms);
  }
  ADD_FAILURE() << "index jobs did not settle: " << jobs.dump();
  return jobs;
}

TEST_F(FieldIndexes, SortFilterAndSearchOnABigTableBuildValidIndexes) {
  const auto s = seed_items(21000);
  const std::string filter = url_encode(R"({"field": "active", "op": "eq", "value": true})");
  const std::string query = "?limit=50&sort=price:desc&filter=" + filter;
  const json before = user.get_ok(s.records + query);
  ASSERT_EQ(before["items"].size(), 50u);
  user.get_ok(s.records + "?limit=5&search=" + url_encode("item"));

  const json jobs = settled_index_jobs(user);
  std::set<std::string> fields;
  for (const auto& j : jobs) {
    EXPECT_EQ(j["state"], "succeeded") << j.dump();
    fields.insert(j["result"].value("field", ""));
  }
  EXPECT_EQ(fields, (std::set<std::string>{"active", "price", "$search"})) << jobs.dump();

  // Three valid indexes on the table's own partition.
  pqxx::connection conn(db_.url());
  pqxx::nontransaction tx(conn);
  std::string hex;
  for (char c : s.table_id)
    if (c != '-') hex += c;
  const auto rows = tx.exec(
      "SELECT count(*) FILTER (WHERE i.indisvalid), count(*) FROM pg_index i JOIN pg_class c "
      "ON c.oid = i.indexrelid WHERE c.relname LIKE 'records_" +
      hex + "_f%'");
  EXPECT_EQ(rows[0][0].as<int>(), 3);
  EXPECT_EQ(rows[0][1].as<int>(), 3);

  // The same page, in the same order, now served from the index; asking again starts no new job.
  const json after = user.get_ok(s.records + query);
  ASSERT_EQ(after["items"].size(), 50u);
  for (std::size_t i = 0; i < 50; ++i)
    EXPECT_EQ(after["items"][i]["id"], before["items"][i]["id"]) << i;
  // Prices descend; the next page continues below the last one.
  const json next =
      user.get_ok(s.records + query + "&cursor=" + url_encode(after["next_cursor"].get<std::string>()));
  const json last = after["items"][49]["values"]["price"];
  const json first_next = next["items"][0]["values"]["price"];
  if (last.is_number() && first_next.is_number()) {
    EXPECT_LE(first_next.get<double>(), last.get<double>());
  }
  EXPECT_EQ(user.get_ok("/api/v1/jobs?type=snapshot.index&limit=50")["items"].size(), jobs.size());
}

TEST_F(FieldIndexes, SmallTablesNeverAskForIndexes) {
  const auto s = seed_items(40);
  user.get_ok(s.records + "?sort=price:desc&search=item");
  std::this_thread::sleep_for(500ms);
  EXPECT_TRUE(user.get_ok("/api/v1/jobs?type=snapshot.index")["items"].empty());
}

}  // namespace
}  // namespace scratch::test

// What the snapshot end-to-end tests share: a real scratchd (with the first-party plugins) on a fresh
// database, a signed-up user, a PostgreSQL *source* database to connect as an account, and small API helpers.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "support/api_helpers.hpp"
#include "support/http_client.hpp"
#include "support/scratchd_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_database.hpp"

namespace scratch::test {

// A signed-in user: the bearer token and helpers that send it.
struct ApiUser {
  HttpClient http;
  std::string token;
  HttpResponse get(const std::string& path) const;
  HttpResponse post(const std::string& path, const nlohmann::json& body = nlohmann::json::object()) const;
  HttpResponse patch(const std::string& path, const nlohmann::json& body) const;
  HttpResponse del(const std::string& path) const;
  // The same calls, asserting the status and returning the parsed JSON body (null for 204).
  nlohmann::json get_ok(const std::string& path, long status = 200) const;
  nlohmann::json post_ok(const std::string& path, const nlohmann::json& body = nlohmann::json::object(),
                         long status = 200) const;
  nlohmann::json patch_ok(const std::string& path, const nlohmann::json& body, long status = 200) const;
  // DELETE asserting the status; the parsed body (null for an empty body).
  nlohmann::json del_ok(const std::string& path, long status = 204) const;
};

// Percent-encodes a query-string value (e.g. a JSON filter).
std::string url_encode(const std::string& text);

class SnapshotTest : public ::testing::Test {
 protected:
  // Starts scratchd with SCRATCH_PLUGIN_DIRS=<build>/plugins, one connector runner, job workers on and a
  // short job lease (5 s) so a killed worker's job is reclaimed quickly; signs up `user`.
  explicit SnapshotTest(Env extra_env = {});
  void SetUp() override;

  // Restarts scratchd on the same database (e.g. after kill -9); `user` stays valid.
  void restart_server();
  ApiUser sign_up_another();

  // A PostgreSQL source database (on the test cluster), created empty; `source_url()` connects to it.
  const std::string& source_url() const { return source_db_.url(); }
  void source_exec(const std::string& sql) const;            // runs SQL in the source
  nlohmann::json source_rows(const std::string& sql) const;  // SELECT as an array of objects (row_to_json)

  // Creates a `postgres` connector account for the source; returns its id.
  std::string create_postgres_account(const ApiUser& as);
  // Uploads `csv_text` and creates a `csv` account (config {id_column}); returns its id.
  std::string create_csv_account(const ApiUser& as, const std::string& csv_text,
                                 const std::string& id_column);
  // The CSV account's newest file version's text (what publishing wrote).
  std::string csv_account_latest_file(const ApiUser& as, const std::string& account_id);

  std::string create_snapshot(const ApiUser& as, const std::string& name = "snap");
  // Adds the account's table (connector table id, e.g. "public.items" for postgres, "rows" for csv).
  nlohmann::json add_table(const ApiUser& as, const std::string& snapshot_id, const std::string& account_id,
                           const std::string& remote_table);
  // POST .../download or .../publish and wait for the job to finish; returns the final job JSON.
  nlohmann::json download(const ApiUser& as, const std::string& snapshot_id,
                          std::chrono::seconds timeout = std::chrono::seconds(60));
  nlohmann::json publish(const ApiUser& as, const std::string& snapshot_id,
                         std::chrono::seconds timeout = std::chrono::seconds(60));
  nlohmann::json wait_job(const ApiUser& as, const std::string& job_id,
                          std::chrono::seconds timeout = std::chrono::seconds(60));
  // Every record of a table, following cursors (query string appended to each page request).
  nlohmann::json all_records(const ApiUser& as, const std::string& snapshot_id, const std::string& table_id,
                             const std::string& query = "");
  // Creates an agent token for the snapshot; returns the secret.
  std::string agent_token(const ApiUser& owner, const std::string& snapshot_id);
  ApiUser with_token(const std::string& token) const;

  // The `items` source table: `n` rows with text, number, date, boolean and null values. items_rows() is what
  // the source holds, as {column: value} objects (null for SQL NULL; dates as "YYYY-MM-DD"), ordered by id.
  // Columns: id int PK, title text, status text, price numeric (NULL when id%7==0), qty int, due date (NULL
  // when id%5==0), active boolean, notes text (NULL when id%4==0, "" when id%4==1), raw bytea (read-only).
  static nlohmann::json items_rows(int n = 36);
  void create_items_source(int n = 36) const;
  // Source table, postgres account, snapshot with the table, downloaded (asserts the job succeeded).
  struct Seeded {
    std::string snapshot_id, table_id, account_id;
    std::string records;  // records_path(snapshot_id, table_id)
  };
  Seeded seed_items(int n = 36);
  // The record whose remote_id is `remote_id` (null if none) in an array of records.
  static nlohmann::json by_remote_id(const nlohmann::json& records, const std::string& remote_id);

  // Paths under /api/v1 for a snapshot, one of its tables, and that table's records.
  static std::string snapshot_path(const std::string& snapshot_id);
  static std::string table_path(const std::string& snapshot_id, const std::string& table_id);
  static std::string records_path(const std::string& snapshot_id, const std::string& table_id);

  Env env_;
  TestDatabase db_;
  TestDatabase source_db_;
  std::unique_ptr<ScratchdProcess> server_;
  ApiUser user;
  TempDir data_dir_{"snapshot-data"};  // SCRATCH_DATA_DIR, kept across restart_server() (CSV files live here)
};

// A test that starts with the `items` source (Rows rows) downloaded: s_ (ids and paths), rows_ (the source,
// as items_rows gives it) and records_ (every record as downloaded).
template <int Rows>
class SeededSnapshotTest : public SnapshotTest {
 protected:
  explicit SeededSnapshotTest(Env extra_env = {}) : SnapshotTest(std::move(extra_env)) {}
  static constexpr int kRows = Rows;
  void SetUp() override {
    SnapshotTest::SetUp();
    if (HasFatalFailure()) return;
    s_ = seed_items(kRows);
    ASSERT_FALSE(s_.table_id.empty());
    rows_ = items_rows(kRows);
    records_ = all_records(user, s_.snapshot_id, s_.table_id);
    ASSERT_EQ(records_.size(), static_cast<std::size_t>(kRows));
  }
  Seeded s_;
  nlohmann::json rows_;
  nlohmann::json records_;
};

}  // namespace scratch::test

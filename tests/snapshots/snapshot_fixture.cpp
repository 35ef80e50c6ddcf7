// The snapshot end-to-end fixture: scratchd with the first-party plugins on a fresh database, a signed-up
// user, a PostgreSQL source database, and API helpers.
#include "snapshot_fixture.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <pqxx/pqxx>
#include <stdexcept>
#include <thread>

#include "support/free_port.hpp"
#include "support/random_hex.hpp"

namespace scratch::test {

using nlohmann::json;

namespace {

std::vector<std::pair<std::string, std::string>> json_headers(const std::string& token) {
  return {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}};
}

// The parsed body, or null when it is empty or not JSON (the failure is reported by the caller's check).
json body_of(const HttpResponse& r) {
  if (r.body.empty()) return nullptr;
  try {
    return json::parse(r.body);
  } catch (const std::exception&) {
    ADD_FAILURE() << "not JSON (status " << r.status << "): " << r.body;
    return nullptr;
  }
}

// The parsed body when the status is the expected one; otherwise the failure is recorded and the answer is
// null, so that a test reading fields of it stops with an exception rather than reading a problem body.
json checked(const HttpResponse& r, long status, const std::string& what) {
  EXPECT_EQ(r.status, status) << what << " -> " << r.body;
  if (r.status != status) return nullptr;
  return body_of(r);
}

Env with_defaults(Env extra) {
  Env env = {
      {"SCRATCH_PLUGIN_DIRS", SCRATCH_PLUGINS_DIR},
      {"SCRATCH_CONNECTOR_RUNNERS", "1"},
      {"SCRATCH_WORKER_THREADS", "2"},
      {"SCRATCH_JOB_LEASE_SECONDS", "5"},
      {"SCRATCH_REAPER_INTERVAL_SECONDS", "1"},
      {"SCRATCH_SSE_HEARTBEAT_SECONDS", "1"},
      {"SCRATCH_LOG_LEVEL", "debug"},
      // Fixed for the fixture's life so restart_server() keeps tokens and encrypted credentials valid.
      {"PORT", std::to_string(free_tcp_port())},
      {"SCRATCH_SESSION_SECRET", random_hex(64)},
      {"SCRATCH_MASTER_KEY", random_hex(64)},
  };
  for (auto& [name, value] : extra)
    env[name] = value;
  return env;
}

bool finished(const json& job) {
  const std::string state = job.value("state", "");
  return state == "succeeded" || state == "failed" || state == "cancelled";
}

}  // namespace

std::string url_encode(const std::string& text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// --- ApiUser ---------------------------------------------------------------------------------------------

HttpResponse ApiUser::get(const std::string& path) const {
  return http.get(path, token);
}

HttpResponse ApiUser::post(const std::string& path, const json& body) const {
  return http.post_json(path, body, token);
}

HttpResponse ApiUser::patch(const std::string& path, const json& body) const {
  return http.request("PATCH", path, body.dump(), json_headers(token));
}

HttpResponse ApiUser::del(const std::string& path) const {
  return http.del(path, token);
}

json ApiUser::get_ok(const std::string& path, long status) const {
  return checked(get(path), status, "GET " + path);
}

json ApiUser::post_ok(const std::string& path, const json& body, long status) const {
  return checked(post(path, body), status, "POST " + path + " " + body.dump());
}

json ApiUser::patch_ok(const std::string& path, const json& body, long status) const {
  return checked(patch(path, body), status, "PATCH " + path + " " + body.dump());
}

json ApiUser::del_ok(const std::string& path, long status) const {
  return checked(del(path), status, "DELETE " + path);
}

// --- SnapshotTest ----------------------------------------------------------------------------------------

SnapshotTest::SnapshotTest(Env extra_env)
    : env_(with_defaults(std::move(extra_env))), user{HttpClient("http://127.0.0.1:" + env_.at("PORT")), ""} {
  env_["SCRATCH_DATA_DIR"] = data_dir_.path();
}

void SnapshotTest::SetUp() {
  restart_server();
  const json tokens = signup(server_->client(), unique_email("snap"));
  ASSERT_TRUE(tokens.contains("access_token")) << tokens.dump();
  user = ApiUser{server_->client(), tokens["access_token"].get<std::string>()};
}

void SnapshotTest::restart_server() {
  server_.reset();  // stops a running server (SIGTERM, then SIGKILL); a killed one is just reaped
  ScratchdProcess::Options options;
  options.database_url = db_.url();
  options.env = env_;
  server_ = std::make_unique<ScratchdProcess>(options);
}

ApiUser SnapshotTest::sign_up_another() {
  const json tokens = signup(server_->client(), unique_email("other"));
  return ApiUser{server_->client(), tokens.value("access_token", "")};
}

void SnapshotTest::source_exec(const std::string& sql) const {
  pqxx::connection c{source_db_.url()};
  pqxx::work w{c};
  w.exec(sql);
  w.commit();
}

json SnapshotTest::source_rows(const std::string& sql) const {
  pqxx::connection c{source_db_.url()};
  pqxx::nontransaction n{c};
  const auto r = n.exec1("SELECT coalesce(json_agg(row_to_json(q)), '[]'::json)::text FROM (" + sql + ") q");
  return json::parse(r[0].as<std::string>());
}

std::string SnapshotTest::create_postgres_account(const ApiUser& as) {
  const json body = {{"connector", "postgres"},
                     {"display_name", "Source " + random_hex(4)},
                     {"config", {{"schemas", {"public"}}}},
                     {"credentials", {{"connection_string", source_url()}}}};
  const json created = as.post_ok("/api/v1/connector-accounts", body, 201);
  return created.is_object() ? created.value("id", "") : "";
}

std::string SnapshotTest::create_csv_account(const ApiUser& as, const std::string& csv_text,
                                             const std::string& id_column) {
  const json upload = as.post_ok("/api/v1/uploads", {{"filename", "data.csv"}}, 201);
  if (!upload.is_object() || !upload.contains("id")) return "";
  const std::string upload_id = upload["id"];
  constexpr std::size_t kChunk = 1 << 20;
  for (std::size_t offset = 0; offset < csv_text.size(); offset += kChunk) {
    const auto r = as.http.request(
        "PUT", "/api/v1/uploads/" + upload_id + "/chunks/" + std::to_string(offset),
        csv_text.substr(offset, kChunk),
        {{"Content-Type", "application/octet-stream"}, {"Authorization", "Bearer " + as.token}});
    EXPECT_EQ(r.status, 200) << r.body;
  }
  json config = json::object();
  if (!id_column.empty()) config["id_column"] = id_column;
  const json created = as.post_ok("/api/v1/connector-accounts",
                                  {{"connector", "csv"},
                                   {"display_name", "CSV " + random_hex(4)},
                                   {"upload_id", upload_id},
                                   {"config", config}},
                                  201);
  return created.is_object() ? created.value("id", "") : "";
}

std::string SnapshotTest::csv_account_latest_file(const ApiUser& as, const std::string& account_id) {
  const std::string base = "/api/v1/connector-accounts/" + account_id + "/files";
  const json files = as.get_ok(base);
  std::string newest;
  if (files.is_object() && files.contains("items")) {
    for (const auto& f : files["items"])
      newest = std::max(newest, f.value("name", ""));
  }
  if (newest.empty()) {
    ADD_FAILURE() << "no files for account " << account_id << ": " << files.dump();
    return "";
  }
  const auto r = as.get(base + "/" + newest);
  EXPECT_EQ(r.status, 200) << r.body;
  return r.body;
}

std::string SnapshotTest::create_snapshot(const ApiUser& as, const std::string& name) {
  const json created = as.post_ok("/api/v1/snapshots", {{"name", name}}, 201);
  return created.is_object() ? created.value("id", "") : "";
}

json SnapshotTest::add_table(const ApiUser& as, const std::string& snapshot_id, const std::string& account_id,
                             const std::string& remote_table) {
  return as.post_ok(snapshot_path(snapshot_id) + "/tables",
                    {{"account_id", account_id}, {"table", remote_table}}, 201);
}

namespace {
std::string job_id_of(const json& accepted) {
  if (!accepted.is_object()) return "";
  if (accepted.contains("job") && accepted["job"].is_object()) return accepted["job"].value("id", "");
  return accepted.value("id", "");
}
}  // namespace

json SnapshotTest::download(const ApiUser& as, const std::string& snapshot_id, std::chrono::seconds timeout) {
  const json accepted = as.post_ok(snapshot_path(snapshot_id) + "/download", json::object(), 202);
  const std::string id = job_id_of(accepted);
  if (id.empty()) {
    ADD_FAILURE() << "no job in " << accepted.dump();
    return nullptr;
  }
  return wait_job(as, id, timeout);
}

json SnapshotTest::publish(const ApiUser& as, const std::string& snapshot_id, std::chrono::seconds timeout) {
  const json accepted = as.post_ok(snapshot_path(snapshot_id) + "/publish", json::object(), 202);
  const std::string id = job_id_of(accepted);
  if (id.empty()) {
    ADD_FAILURE() << "no job in " << accepted.dump();
    return nullptr;
  }
  return wait_job(as, id, timeout);
}

json SnapshotTest::wait_job(const ApiUser& as, const std::string& job_id, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  json job;
  auto pause = std::chrono::milliseconds(20);
  while (true) {
    const auto r = as.get("/api/v1/jobs/" + job_id);
    if (r.status == 200) {
      job = body_of(r);
      if (finished(job)) return job;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ADD_FAILURE() << "job " << job_id << " not finished after " << timeout.count() << " s: " << r.status
                    << " " << r.body;
      return job;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(200));
  }
}

json SnapshotTest::all_records(const ApiUser& as, const std::string& snapshot_id, const std::string& table_id,
                               const std::string& query) {
  json out = json::array();
  std::string cursor;
  for (int page = 0; page < 10000; ++page) {
    std::string path = records_path(snapshot_id, table_id) + "?limit=1000";
    if (!query.empty()) path += "&" + query;
    if (!cursor.empty()) path += "&cursor=" + url_encode(cursor);
    const json body = as.get_ok(path);
    if (!body.is_object() || !body.contains("items")) return out;
    for (const auto& item : body["items"])
      out.push_back(item);
    if (!body.contains("next_cursor") || body["next_cursor"].is_null()) return out;
    cursor = body["next_cursor"].get<std::string>();
  }
  ADD_FAILURE() << "all_records: too many pages";
  return out;
}

std::string SnapshotTest::agent_token(const ApiUser& owner, const std::string& snapshot_id) {
  const json created = owner.post_ok(snapshot_path(snapshot_id) + "/agent-tokens", {{"name", "agent"}}, 201);
  return created.is_object() ? created.value("token", "") : "";
}

ApiUser SnapshotTest::with_token(const std::string& token) const {
  return ApiUser{server_->client(), token};
}

std::string SnapshotTest::snapshot_path(const std::string& snapshot_id) {
  return "/api/v1/snapshots/" + snapshot_id;
}

std::string SnapshotTest::table_path(const std::string& snapshot_id, const std::string& table_id) {
  return snapshot_path(snapshot_id) + "/tables/" + table_id;
}

std::string SnapshotTest::records_path(const std::string& snapshot_id, const std::string& table_id) {
  return table_path(snapshot_id, table_id) + "/records";
}

}  // namespace scratch::test

namespace scratch::test {

json SnapshotTest::items_rows(int n) {
  static const char* kKinds[] = {"Red apple", "Green pear", "Blue plum"};
  static const char* kStatuses[] = {"draft", "published", "archived", "review"};
  json rows = json::array();
  for (int i = 1; i <= n; ++i) {
    json row;
    row["id"] = i;
    row["title"] = std::string(kKinds[i % 3]) + " " + std::to_string(i);
    row["status"] = kStatuses[i % 4];
    row["price"] = i % 7 == 0 ? json(nullptr) : json(i * 1.5);
    row["qty"] = (i * 7) % 10;
    if (i % 5 == 0) {
      row["due"] = nullptr;
    } else {
      char buf[16];
      std::snprintf(buf, sizeof buf, "2024-%02d-%02d", (i * 5) % 12 + 1, (i * 3) % 28 + 1);
      row["due"] = buf;
    }
    row["active"] = i % 2 == 0;
    row["notes"] = i % 4 == 0 ? json(nullptr) : i % 4 == 1 ? json("") : json("note " + std::to_string(i));
    rows.push_back(row);
  }
  return rows;
}

void SnapshotTest::create_items_source(int n) const {
  auto literal = [](const json& v) -> std::string {
    if (v.is_null()) return "NULL";
    if (v.is_string()) return "'" + v.get<std::string>() + "'";  // test data: no quotes inside
    return v.dump();
  };
  std::string sql =
      "CREATE TABLE items (id int PRIMARY KEY, title text NOT NULL, status text NOT NULL, price numeric, qty "
      "int "
      "NOT NULL, due date, active boolean NOT NULL, notes text, raw bytea DEFAULT '\\xdeadbeef'::bytea);\n";
  for (const auto& r : items_rows(n)) {
    sql += "INSERT INTO items (id, title, status, price, qty, due, active, notes) VALUES (" +
           literal(r["id"]) + ", " + literal(r["title"]) + ", " + literal(r["status"]) + ", " +
           literal(r["price"]) + ", " + literal(r["qty"]) + ", " + literal(r["due"]) + ", " +
           literal(r["active"]) + ", " + literal(r["notes"]) + ");\n";
  }
  source_exec(sql);
}

SnapshotTest::Seeded SnapshotTest::seed_items(int n) {
  create_items_source(n);
  Seeded s;
  s.account_id = create_postgres_account(user);
  s.snapshot_id = create_snapshot(user, "items");
  const json table = add_table(user, s.snapshot_id, s.account_id, "public.items");
  s.table_id = table.is_object() ? table.value("id", "") : "";
  s.records = records_path(s.snapshot_id, s.table_id);
  if (s.account_id.empty() || s.snapshot_id.empty() || s.table_id.empty()) {
    ADD_FAILURE() << "seed_items: setup failed";
    return s;
  }
  const json job = download(user, s.snapshot_id);
  EXPECT_EQ(job.value("state", ""), "succeeded") << job.dump();
  return s;
}

json SnapshotTest::by_remote_id(const json& records, const std::string& remote_id) {
  for (const auto& r : records)
    if (r.value("remote_id", json(nullptr)) == json(remote_id)) return r;
  return nullptr;
}

}  // namespace scratch::test

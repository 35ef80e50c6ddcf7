// Connector accounts over HTTP with real plugins in real runner processes: validation against the
// spec, encrypted and masked credentials, owner-only access, and the API staying up while plugins fail.
#include <gtest/gtest.h>

#include <future>
#include <pqxx/pqxx>
#include <thread>

#include "support/api_helpers.hpp"
#include "support/random_hex.hpp"

namespace scratch::test {
namespace {

using nlohmann::json;

const std::string kTestPlugins = SCRATCH_TEST_PLUGINS_DIR;

class ConnectorAccounts : public ServerTest {
 protected:
  ConnectorAccounts()
      : ServerTest(Env{{"SCRATCH_PLUGIN_DIRS", std::string(SCRATCH_PLUGINS_DIR) + ":" + kTestPlugins +
                                                   "/good:" + kTestPlugins + "/abort_check:" + kTestPlugins +
                                                   "/hang_list"},
                       {"SCRATCH_CONNECTOR_TIMEOUT_SECONDS", "2"},
                       {"SCRATCH_UPLOAD_CHUNK_BYTES", "4096"}}) {}
  void SetUp() override { token_ = signup(client(), unique_email())["access_token"]; }
  HttpResponse create(const json& body, const std::string& token = "") {
    return client().post_json("/api/v1/connector-accounts", body, token.empty() ? token_ : token);
  }
  std::string token_;
};

TEST_F(ConnectorAccounts, ListsInstalledConnectorTypesWithSpecs) {
  const auto r = client().get("/api/v1/connectors", token_);
  ASSERT_EQ(r.status, 200) << r.body;
  std::set<std::string> names;
  const json body = r.json();
  for (const auto& c : body["items"]) {
    names.insert(c["name"].get<std::string>());
    EXPECT_TRUE(c["spec"].contains("config_schema"));
  }
  EXPECT_TRUE(names.count("csv") && names.count("postgres") && names.count("test-good")) << r.body;
  expect_problem(client().get("/api/v1/connectors"), 401, "unauthorized");
}

TEST_F(ConnectorAccounts, PostgresCredentialsAreEncryptedMaskedAndNeverLogged) {
  TestDatabase source;
  {
    pqxx::connection c{source.url()};
    pqxx::work w{c};
    w.exec0("CREATE TABLE people (id int PRIMARY KEY, name text NOT NULL)");
    w.commit();
  }
  // Trust authentication ignores the password, so a recognisable one can be followed through the system.
  const std::string secret = "pw-" + random_hex(16);
  std::string url = source.url();
  url.replace(url.find("postgres@"), 9, "postgres:" + secret + "@");
  const auto created = create({{"connector", "postgres"},
                               {"display_name", "Source DB"},
                               {"config", {{"schemas", {"public"}}}},
                               {"credentials", {{"connection_string", url}}}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = created.json()["id"];
  EXPECT_EQ(created.json()["credentials"]["connection_string"], "********");

  const auto check =
      client().post_json("/api/v1/connector-accounts/" + id + "/check", json::object(), token_);
  ASSERT_EQ(check.status, 200) << check.body;
  EXPECT_TRUE(check.json()["ok"].get<bool>());
  const auto tables = client().get("/api/v1/connector-accounts/" + id + "/tables", token_);
  ASSERT_EQ(tables.status, 200) << tables.body;
  EXPECT_NE(tables.body.find("people"), std::string::npos);

  const auto one = client().get("/api/v1/connector-accounts/" + id, token_);
  const auto all = client().get("/api/v1/connector-accounts", token_);
  for (const auto* r : {&created, &check, &tables, &one, &all}) {
    EXPECT_EQ(r->body.find(secret), std::string::npos) << r->body;
  }
  pqxx::connection c{server_.db.url()};
  pqxx::nontransaction n{c};
  const std::string stored =
      n.exec_params1("SELECT credentials FROM connector_accounts WHERE id = $1::uuid", id)[0]
          .as<std::string>();
  EXPECT_EQ(stored.rfind("v1:", 0), 0u);
  EXPECT_EQ(stored.find(secret), std::string::npos);
  EXPECT_EQ(stored.find("connection_string"), std::string::npos);
  server_.process->stop();
  EXPECT_EQ(server_.process->log().find(secret), std::string::npos);
}

TEST_F(ConnectorAccounts, SettingsAreValidatedAgainstTheSpec) {
  const auto missing =
      create({{"connector", "postgres"}, {"display_name", "x"}, {"credentials", json::object()}});
  expect_problem(missing, 422, "validation_failed");
  EXPECT_NE(missing.body.find("credentials"), std::string::npos);
  const auto extra = create({{"connector", "postgres"},
                             {"display_name", "x"},
                             {"config", {{"schemaz", {"public"}}}},
                             {"credentials", {{"connection_string", "postgresql://x"}}}});
  expect_problem(extra, 422, "validation_failed");
  EXPECT_NE(extra.body.find("config"), std::string::npos) << extra.body;
  expect_problem(create({{"connector", "nope"}, {"display_name", "x"}}), 422, "validation_failed");
  expect_problem(create({{"connector", "csv"}, {"display_name", "x"}}), 422,
                 "validation_failed");  // needs a file
  EXPECT_TRUE(client().get("/api/v1/connector-accounts", token_).json()["items"].empty());
}

TEST_F(ConnectorAccounts, OnlyTheOwnerSeesAnAccount) {
  const auto created = create({{"connector", "test-good"}, {"display_name", "mine"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string path = "/api/v1/connector-accounts/" + created.json()["id"].get<std::string>();
  const std::string other = signup(client(), unique_email())["access_token"];
  expect_problem(client().get(path, other), 404, "not_found");
  expect_problem(
      client().request("PATCH", path, std::string(R"({"display_name":"stolen"})"),
                       {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + other}}),
      404, "not_found");
  expect_problem(client().post_json(path + "/check", json::object(), other), 404, "not_found");
  expect_problem(client().del(path, other), 404, "not_found");
  EXPECT_TRUE(client().get("/api/v1/connector-accounts", other).json()["items"].empty());
  EXPECT_EQ(client().get(path, token_).json()["display_name"], "mine");
}

TEST_F(ConnectorAccounts, PatchAndDelete) {
  const std::string id = create({{"connector", "test-good"}, {"display_name", "a"}}).json()["id"];
  const std::string path = "/api/v1/connector-accounts/" + id;
  const auto patched =
      client().request("PATCH", path, std::string(R"({"display_name":"b","credentials":{"k":"v"}})"),
                       {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token_}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json()["display_name"], "b");
  EXPECT_EQ(patched.json()["credentials"]["k"], "********");
  EXPECT_EQ(client().del(path, token_).status, 204);
  expect_problem(client().get(path, token_), 404, "not_found");
}

TEST_F(ConnectorAccounts, ApiKeepsAnsweringWhilePluginsHangAndCrash) {
  const std::string hang = create({{"connector", "test-hang"}, {"display_name", "h"}}).json()["id"];
  const std::string abort_id = create({{"connector", "test-abort"}, {"display_name", "a"}}).json()["id"];
  const std::string good = create({{"connector", "test-good"}, {"display_name", "g"}}).json()["id"];
  auto hung = std::async(std::launch::async, [&] {
    return client().get("/api/v1/connector-accounts/" + hang + "/tables", token_);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(client().get("/healthz").status, 200);
  EXPECT_EQ(client().get("/api/v1/connectors", token_).status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(1000));
  const auto crashed =
      client().post_json("/api/v1/connector-accounts/" + abort_id + "/check", json::object(), token_);
  expect_problem(crashed, 502, "connector_crashed");
  const auto timed_out = hung.get();
  expect_problem(timed_out, 504, "connector_timeout");
  const auto fine = client().get("/api/v1/connector-accounts/" + good + "/tables", token_);
  EXPECT_EQ(fine.status, 200) << fine.body;
  EXPECT_TRUE(server_.process->running());
}

TEST_F(ConnectorAccounts, CsvUploadedInChunksBecomesAnAccountWithItsFile) {
  std::string csv = "id,name,score\n";
  for (int i = 1; i <= 500; ++i)
    csv += std::to_string(i) + ",\"name, " + std::to_string(i) + "\"," + std::to_string(i * 2) + "\n";
  const auto upload = client().post_json("/api/v1/uploads", {{"filename", "scores.csv"}}, token_);
  ASSERT_EQ(upload.status, 201) << upload.body;
  const std::string upload_id = upload.json()["id"];
  auto put = [&](std::size_t offset, const std::string& bytes) {
    return client().request(
        "PUT", "/api/v1/uploads/" + upload_id + "/chunks/" + std::to_string(offset), bytes,
        {{"Content-Type", "application/octet-stream"}, {"Authorization", "Bearer " + token_}});
  };
  for (std::size_t offset = 0; offset < csv.size(); offset += 4000) {
    const auto r = put(offset, csv.substr(offset, 4000));
    ASSERT_EQ(r.status, 200) << r.body;
  }
  expect_problem(put(0, "id\n"), 409, "upload_offset_mismatch");  // a replayed chunk is not appended twice
  expect_problem(put(csv.size(), std::string(5000, 'x')), 413, "payload_too_large");
  EXPECT_EQ(client().get("/api/v1/uploads/" + upload_id, token_).json()["size_bytes"], csv.size());

  const auto created = create({{"connector", "csv"}, {"display_name", "Scores"}, {"upload_id", upload_id}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string path = "/api/v1/connector-accounts/" + created.json()["id"].get<std::string>();
  EXPECT_EQ(client().post_json(path + "/check", json::object(), token_).status, 200);
  const auto tables = client().get(path + "/tables", token_);
  ASSERT_EQ(tables.status, 200) << tables.body;
  const json fields = tables.json()["tables"][0]["fields"];
  ASSERT_EQ(fields.size(), 3u);
  EXPECT_EQ(fields[2]["type"], "number");
  const auto files = client().get(path + "/files", token_);
  ASSERT_EQ(files.json()["items"].size(), 1u) << files.body;
  EXPECT_EQ(files.json()["items"][0]["name"], "v000001.csv");
  const auto download = client().get(path + "/files/v000001.csv", token_);
  ASSERT_EQ(download.status, 200);
  EXPECT_EQ(download.body, csv);
  expect_problem(client().get(path + "/files/..%2Fsecrets", token_), 404, "not_found");
  // The upload is used up.
  expect_problem(create({{"connector", "csv"}, {"display_name", "again"}, {"upload_id", upload_id}}), 422,
                 "validation_failed");
}

}  // namespace
}  // namespace scratch::test

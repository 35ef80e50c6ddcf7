// `scratchd serve` as a process: database outages and recovery, graceful shutdown, roles, logging
// format, configuration sources and secrets.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <csignal>
#include <fstream>
#include <future>
#include <regex>
#include <thread>

#include "support/api_helpers.hpp"
#include "support/free_port.hpp"
#include "support/private_cluster.hpp"
#include "support/tcp_proxy.hpp"
#include "support/temp_dir.hpp"

namespace scratch::test {
namespace {

using nlohmann::json;

std::pair<std::string, int> database_host_port() {
  std::smatch m;
  const std::string url = TestDatabase::admin_url();
  if (!std::regex_search(url, m, std::regex("@([^:/?]+):([0-9]+)")))
    throw std::runtime_error("no host:port in " + url);
  return {m[1], std::stoi(m[2])};
}

template <typename Predicate>
bool eventually(Predicate p, std::chrono::seconds limit = std::chrono::seconds(15)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (p()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return false;
}

TEST(Serve, DatabaseOutageGives503AndRecoversByItself) {
  TestDatabase db;
  const auto [host, port] = database_host_port();
  TcpProxy proxy(host, port);
  ScratchdProcess::Options options;
  options.database_url = db.url_via("127.0.0.1", proxy.port());
  ScratchdProcess server(options);
  const auto c = server.client();
  const json s = signup(c, unique_email());
  const std::string token = s["access_token"];
  ASSERT_EQ(c.get("/readyz").status, 200);

  proxy.set_enabled(false);  // the database goes away, with the pool's connections
  expect_problem(c.get("/readyz"), 503, "database_unavailable");
  expect_problem(c.get("/api/v1/me", token), 503, "database_unavailable");
  expect_problem(c.post_json("/api/v1/auth/login", {{"email", "x@y.io"}, {"password", "whatever pw"}}), 503,
                 "database_unavailable");
  EXPECT_FALSE(c.get("/readyz").header("Retry-After").empty());
  EXPECT_EQ(c.get("/healthz").status, 200);  // alive, just not ready
  EXPECT_TRUE(server.running());

  proxy.set_enabled(true);
  EXPECT_TRUE(eventually([&] { return c.get("/readyz").status == 200; })) << server.log();
  EXPECT_EQ(c.get("/api/v1/me", token).status, 200);
  EXPECT_EQ(signup(c, unique_email())["user"]["role"], "USER");
}

TEST(Serve, ReadyzFollowsARealPostgresStopAndStart) {
  PrivateCluster cluster;
  ScratchdProcess::Options options;
  options.database_url = cluster.url();
  ScratchdProcess server(options);
  const auto c = server.client();
  const std::string token = signup(c, unique_email())["access_token"];
  ASSERT_EQ(c.get("/readyz").status, 200);

  cluster.stop();
  expect_problem(c.get("/readyz"), 503, "database_unavailable");
  expect_problem(c.get("/api/v1/me", token), 503, "database_unavailable");
  EXPECT_TRUE(server.running());

  cluster.start();
  EXPECT_TRUE(eventually([&] { return c.get("/readyz").status == 200; })) << server.log();
  EXPECT_EQ(c.get("/api/v1/me", token).status, 200);
}

TEST(Serve, WaitsForTheDatabaseAtStartup) {
  TestDatabase db;
  const auto [host, port] = database_host_port();
  TcpProxy proxy(host, port);
  proxy.set_enabled(false);
  ScratchdProcess::Options options;
  options.database_url = db.url_via("127.0.0.1", proxy.port());
  options.wait_ready = false;
  ScratchdProcess server(options);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_TRUE(server.running()) << server.log();
  proxy.set_enabled(true);
  EXPECT_TRUE(eventually([&] { return server.client().get("/readyz").status == 200; })) << server.log();
}

TEST(Serve, SigtermLetsInFlightRequestsFinish) {
  TestServer server;
  const auto c = server.client();
  const std::string email = unique_email();
  signup(c, email);
  // Logins are slow on purpose (scrypt), so several are in flight when the signal lands.
  std::vector<std::future<HttpResponse>> pending;
  for (int i = 0; i < 5; ++i) {
    pending.push_back(std::async(std::launch::async, [c, email] {
      return c.post_json("/api/v1/auth/login", {{"email", email}, {"password", "correct horse battery"}});
    }));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  server.process->send_signal(SIGTERM);
  int completed = 0;
  for (auto& f : pending) {
    const auto r = f.get();
    if (r.status == 200) {
      ++completed;
    } else {
      expect_problem(r, 503, "shutting_down");  // arrived after the drain began: told, not dropped
    }
  }
  EXPECT_GE(completed, 1);
  EXPECT_EQ(server.process->stop(), 0) << server.process->log();
  EXPECT_NE(server.process->log().find("stopped cleanly"), std::string::npos);
}

TEST(Serve, SigintAlsoStopsCleanly) {
  TestServer server;
  server.process->send_signal(SIGINT);
  EXPECT_EQ(server.process->stop(), 0) << server.process->log();
}

TEST(Serve, WorkerRoleServesOnlyOperationalRoutes) {
  TestServer server(Env{}, {"serve", "--role", "worker"});
  const auto c = server.client();
  EXPECT_EQ(c.get("/healthz").status, 200);
  EXPECT_EQ(c.get("/readyz").status, 200);
  expect_problem(c.get("/api/v1/me"), 404, "route_not_found");
  EXPECT_NE(server.process->log().find("role=worker"), std::string::npos);
}

TEST(Serve, ServiceTypeFrontendServesTheApi) {
  TestServer server(Env{{"SERVICE_TYPE", "FRONTEND"}});
  expect_problem(server.client().get("/api/v1/me"), 401, "unauthorized");
  EXPECT_NE(server.process->log().find("role=api"), std::string::npos);
}

TEST(Serve, JsonLogFormatWritesOneJsonObjectPerLine) {
  TestServer server(Env{{"SCRATCH_LOG_FORMAT", "json"}});
  server.client().get("/healthz");
  server.process->stop();
  std::istringstream lines(server.process->log());
  std::string line;
  int parsed = 0;
  bool saw_access = false;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    json j;
    ASSERT_NO_THROW(j = json::parse(line)) << line;
    EXPECT_TRUE(j.contains("ts") && j.contains("level") && j.contains("msg")) << line;
    saw_access |=
        j.value("logger", "") == "access" && j.value("msg", "").find("/healthz") != std::string::npos;
    ++parsed;
  }
  EXPECT_GT(parsed, 3);
  EXPECT_TRUE(saw_access);
}

TEST(Serve, FlagsOverrideTheEnvironment) {
  // The environment's value is invalid; the flag's wins, so the server starts.
  TestServer server(Env{{"SCRATCH_LOG_FORMAT", "xml"}}, {"serve", "--log-format", "json"});
  EXPECT_EQ(server.client().get("/healthz").status, 200);
}

TEST(Serve, ReadsAnEnvFile) {
  TempDir dir;
  const std::string path = dir.path() + "/custom.env";
  std::ofstream(path) << "# test\nSCRATCH_ALLOW_SIGNUP=false\n";
  TestServer server(Env{}, {"serve", "--env-file", path});
  expect_problem(server.client().post_json("/api/v1/auth/signup",
                                           {{"email", unique_email()}, {"password", "long enough pw"}}),
                 403, "signup_disabled");
}

TEST(Serve, BadConfigurationExitsWithAClearMessage) {
  TestDatabase db;
  const auto r = run_scratchd_cli({"serve", "--log-format", "xml"},
                                  {{"DATABASE_URL", db.url()}, {"PORT", std::to_string(free_tcp_port())}});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("SCRATCH_LOG_FORMAT"), std::string::npos) << r.err;
}

TEST(Serve, ExternalDatabaseRequiresExplicitSecrets) {
  TestDatabase db;
  const auto r =
      run_scratchd_cli({"serve"}, {{"DATABASE_URL", db.url()}, {"PORT", std::to_string(free_tcp_port())}});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("SCRATCH_SESSION_SECRET is required"), std::string::npos) << r.err;
  const auto weak = run_scratchd_cli({"serve"}, {{"DATABASE_URL", db.url()},
                                                 {"PORT", std::to_string(free_tcp_port())},
                                                 {"SCRATCH_SESSION_SECRET", "too-short"},
                                                 {"SCRATCH_MASTER_KEY", std::string(64, 'a')}});
  EXPECT_EQ(weak.exit_code, 2);
  EXPECT_NE(weak.err.find("at least 32"), std::string::npos) << weak.err;
  const auto bad_key = run_scratchd_cli({"serve"}, {{"DATABASE_URL", db.url()},
                                                    {"PORT", std::to_string(free_tcp_port())},
                                                    {"SCRATCH_SESSION_SECRET", std::string(40, 's')},
                                                    {"SCRATCH_MASTER_KEY", "not-a-key"}});
  EXPECT_EQ(bad_key.exit_code, 2);
  EXPECT_NE(bad_key.err.find("SCRATCH_MASTER_KEY"), std::string::npos) << bad_key.err;
}

TEST(Serve, EmbeddedModeGeneratesSecretsOnceAndReusesThem) {
  TestDatabase db;
  TempDir data;
  const std::map<std::string, std::string> env = {{"SCRATCH_EMBEDDED", "1"},
                                                  {"SCRATCH_DATA_DIR", data.path()},
                                                  {"SCRATCH_SESSION_SECRET", ""},
                                                  {"SCRATCH_MASTER_KEY", ""}};
  std::string token;
  {
    ScratchdProcess first({db.url(), {"serve"}, env});
    token = signup(first.client(), unique_email())["access_token"];
  }
  struct stat st {};
  ASSERT_EQ(::stat((data.path() + "/secrets/session_secret").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((data.path() + "/secrets/master_key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // A restart reuses the same signing key, so sessions survive it.
  ScratchdProcess second({db.url(), {"serve"}, env});
  EXPECT_EQ(second.client().get("/api/v1/me", token).status, 200);
}

}  // namespace
}  // namespace scratch::test

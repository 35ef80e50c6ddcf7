// Host services reach plugins through the ABI: a plugin's HTTP request goes through the core's client,
// so Retry-After is honoured and the credentials never show up in the log line.
#include <gtest/gtest.h>

#include "connectors/runner_pool.hpp"
#include "net/test_http_server.hpp"

namespace scratch::connectors {
namespace {

TEST(HostServices, PluginHttpGoesThroughTheCoreClientWithRetries) {
  net::test::TestHttpServer server;
  server.enqueue({.status = 429, .headers = {{"Retry-After", "1"}}, .body = "slow down"});
  server.enqueue({.status = 200, .body = "pong"});
  RunnerPool::Options o;
  o.executable = SCRATCHD_BIN;
  o.env = {{"SCRATCH_PLUGIN_DIRS", std::string(SCRATCH_TEST_PLUGINS_DIR) + "/good"}};
  RunnerPool pool(o);
  pool.start();
  const nlohmann::json call = {{"config", {{"probe_url", server.url("/ping?api_key=hidden")}}},
                               {"credentials", {{"token", "tok-secret"}}},
                               {"context", {{"account_id", "acct-1"}}},
                               {"request", nlohmann::json::object()}};
  const auto started = std::chrono::steady_clock::now();
  const auto r = pool.call("test-good", "check", call, std::chrono::seconds(20));
  ASSERT_TRUE(r.ok) << r.value.dump();
  EXPECT_EQ(r.value["status"], 200);
  EXPECT_EQ(r.value["body"], "pong");
  EXPECT_GE(std::chrono::steady_clock::now() - started,
            std::chrono::milliseconds(950));  // waited Retry-After
  ASSERT_EQ(server.request_count(), 2u);
  EXPECT_EQ(server.requests()[0].header("authorization"), "Bearer tok-secret");
}

}  // namespace
}  // namespace scratch::connectors

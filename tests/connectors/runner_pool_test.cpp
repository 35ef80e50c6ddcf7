// Isolation: plugin calls run in supervised runner processes. A plugin that segfaults, aborts or hangs
// fails its own call within the deadline with a clear error, and the next call works.
#include "connectors/runner_pool.hpp"

#include <gtest/gtest.h>

#include <future>
#include <set>
#include <thread>

#include "support/scratchd_process.hpp"

namespace scratch::connectors {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

const std::string kDir = SCRATCH_TEST_PLUGINS_DIR;

RunnerPool::Options options(int size = 1) {
  RunnerPool::Options o;
  o.executable = SCRATCHD_BIN;
  o.env = {{"SCRATCH_PLUGIN_DIRS", kDir + "/good:" + kDir + "/crash_read:" + kDir + "/abort_check:" + kDir +
                                       "/hang_list:" + kDir + "/throws:" + kDir + "/wrong_abi"},
           {"SCRATCH_LOG_LEVEL", "warn"}};
  o.size = size;
  return o;
}

const json kCall = {{"config", json::object()},
                    {"credentials", json::object()},
                    {"context", json::object()},
                    {"request", {{"table", "items"}, {"cursor", nullptr}, {"page_size", 2}}}};

void expect_good_call_works(RunnerPool& pool) {
  const auto r = pool.call("test-good", "read", kCall, milliseconds(10000));
  ASSERT_TRUE(r.ok) << r.value.dump();
  EXPECT_FALSE(r.value["records"].empty());
}

TEST(RunnerPool, CatalogListsLoadedAndRejectedPlugins) {
  RunnerPool pool(options());
  pool.start();
  const json catalog = pool.catalog();
  std::set<std::string> names;
  for (const auto& p : catalog["plugins"])
    names.insert(p["name"].get<std::string>());
  EXPECT_EQ(names,
            (std::set<std::string>{"test-good", "test-crash", "test-abort", "test-hang", "test-throws"}));
  ASSERT_EQ(catalog["rejected"].size(), 1u);
  EXPECT_NE(catalog["rejected"][0]["reason"].get<std::string>().find("ABI"), std::string::npos);
  ASSERT_TRUE(pool.spec("test-good").has_value());
  EXPECT_FALSE(pool.spec("nope").has_value());
}

TEST(RunnerPool, SegfaultInReadFailsThatCallOnly) {
  RunnerPool pool(options());
  pool.start();
  expect_good_call_works(pool);
  const auto started = std::chrono::steady_clock::now();
  const auto r = pool.call("test-crash", "read", kCall, milliseconds(10000));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.value["code"], "connector_crashed") << r.value.dump();
  EXPECT_NE(r.value["message"].get<std::string>().find("signal 11"), std::string::npos) << r.value.dump();
  EXPECT_TRUE(r.value["retryable"].get<bool>());
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  expect_good_call_works(pool);
  EXPECT_EQ(pool.runner_restarts(), 1);
}

TEST(RunnerPool, AbortInCheckFailsThatCallOnly) {
  RunnerPool pool(options());
  pool.start();
  const auto r = pool.call("test-abort", "check", kCall, milliseconds(10000));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.value["code"], "connector_crashed");
  EXPECT_NE(r.value["message"].get<std::string>().find("signal 6"), std::string::npos) << r.value.dump();
  // The crashed plugin's other functions still work after the restart.
  EXPECT_TRUE(pool.call("test-abort", "list_tables", kCall, milliseconds(10000)).ok);
  expect_good_call_works(pool);
}

TEST(RunnerPool, HangIsStoppedAtTheDeadline) {
  RunnerPool pool(options());
  pool.start();
  const auto started = std::chrono::steady_clock::now();
  const auto r = pool.call("test-hang", "list_tables", kCall, milliseconds(1500));
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.value["code"], "connector_timeout") << r.value.dump();
  EXPECT_GE(took, milliseconds(1400));
  EXPECT_LT(took, milliseconds(4000));
  expect_good_call_works(pool);
}

TEST(RunnerPool, OtherCallsProceedWhileOneRunnerHangs) {
  RunnerPool pool(options(2));
  pool.start();
  auto hung = std::async(std::launch::async,
                         [&] { return pool.call("test-hang", "list_tables", kCall, milliseconds(3000)); });
  std::this_thread::sleep_for(milliseconds(300));
  const auto started = std::chrono::steady_clock::now();
  expect_good_call_works(pool);
  EXPECT_LT(std::chrono::steady_clock::now() - started, milliseconds(2000));
  EXPECT_EQ(hung.get().value["code"], "connector_timeout");
}

TEST(RunnerPool, PluginExceptionsKeepTheRunner) {
  RunnerPool pool(options());
  pool.start();
  const auto r = pool.call("test-throws", "write", kCall, milliseconds(10000));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.value["code"], "plugin_error");
  EXPECT_NE(r.value["message"].get<std::string>().find("threw on purpose"), std::string::npos);
  EXPECT_EQ(pool.runner_restarts(), 0);
  const auto unknown = pool.call("nope", "read", kCall, milliseconds(10000));
  EXPECT_EQ(unknown.value["code"], "unknown_connector");
}

TEST(RunnerPool, ABrokenExecutableFailsCallsCleanly) {
  auto o = options();
  o.executable = "/nonexistent/scratchd";
  RunnerPool pool(o);
  EXPECT_THROW(pool.start(), std::runtime_error);
  const auto r = pool.call("test-good", "read", kCall, milliseconds(2000));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.value["code"], "connector_unavailable") << r.value.dump();
}

}  // namespace
}  // namespace scratch::connectors

// The SDK example, built out of tree against the installed SDK (CTest fixture hello_plugin_built), loads
// into the host and answers through a runner process.
#include <gtest/gtest.h>

#include <filesystem>

#include "connectors/runner_pool.hpp"

namespace scratch::connectors {
namespace {

TEST(HelloPlugin, BuiltOutOfTreeLoadsAndReads) {
  RunnerPool::Options o;
  o.executable = SCRATCHD_BIN;
  o.env = {{"SCRATCH_PLUGIN_DIRS", std::filesystem::path(SCRATCH_HELLO_PLUGIN).parent_path().string()}};
  RunnerPool pool(o);
  pool.start();
  ASSERT_TRUE(pool.spec("hello").has_value()) << pool.catalog().dump();
  const nlohmann::json call = {{"config", nlohmann::json::object()},
                               {"credentials", nlohmann::json::object()},
                               {"context", nlohmann::json::object()},
                               {"request", {{"table", "greetings"}, {"cursor", nullptr}, {"page_size", 10}}}};
  EXPECT_TRUE(pool.call("hello", "check", call, std::chrono::seconds(10)).ok);
  const auto read = pool.call("hello", "read", call, std::chrono::seconds(10));
  ASSERT_TRUE(read.ok) << read.value.dump();
  EXPECT_FALSE(read.value["records"].empty());
}

}  // namespace
}  // namespace scratch::connectors

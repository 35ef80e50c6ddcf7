// `scratchd lua validate|test`: the same JSON as the API, exit 0 when valid/ok and 1 otherwise.
#include <gtest/gtest.h>

#include <fstream>

#include "custom_connectors/custom_connector_fixture.hpp"
#include "support/scratchd_process.hpp"
#include "support/temp_dir.hpp"

namespace scratch::test {
namespace {

using nlohmann::json;

std::string write_file(const TempDir& dir, const std::string& name, const std::string& text) {
  const std::string path = dir.path() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(LuaCli, ValidateAndTest) {
  TempDir dir("lua-cli");
  ItemsApi api(3);
  const Env env = {{"SCRATCH_LUA_ALLOWED_HOSTS", "127.0.0.1"}, {"SCRATCH_PLUGIN_DIRS", dir.path()}};
  const std::string good = write_file(dir, "items.lua", kItemsScript);
  const std::string bad = write_file(dir, "bad.lua", "function spec(\n");

  auto r = run_scratchd_cli({"lua", "validate", good}, env);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(json::parse(r.out)["valid"].get<bool>()) << r.out;

  r = run_scratchd_cli({"lua", "validate", bad}, env);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const json report = json::parse(r.out);
  EXPECT_EQ(report["errors"][0]["kind"], "syntax");
  EXPECT_EQ(report["errors"][0]["line"], 2) << r.out;

  const std::string config = json({{"base_url", api.base_url()}}).dump();
  r = run_scratchd_cli(
      {"lua", "test", good, "--config", config, "--credentials", R"({"token":"secret-token"})"}, env);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const json test = json::parse(r.out);
  EXPECT_TRUE(test["ok"].get<bool>()) << r.out;
  EXPECT_EQ(test["steps"][3]["sample"]["records"].size(), 2u) << r.out;

  r = run_scratchd_cli({"lua", "test", good, "--config", config, "--credentials", R"({"token":"no"})"}, env);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(json::parse(r.out)["steps"][1]["error"]["code"], "auth_failed") << r.out;

  r = run_scratchd_cli({"lua", "test", good}, env);
  EXPECT_EQ(r.exit_code, 2) << "--config is required";
}

}  // namespace
}  // namespace scratch::test

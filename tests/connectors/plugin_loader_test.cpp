// The loader vets every way a plugin file can be wrong, with a reason a plugin author can act on.
#include "connectors/plugin_loader.hpp"

#include <gtest/gtest.h>

#include "support/scratchd_process.hpp"

namespace scratch::connectors {
namespace {

const std::string kDir = SCRATCH_TEST_PLUGINS_DIR;

std::string rejection(const std::string& file) {
  try {
    load_plugin(kDir + "/" + file);
  } catch (const PluginLoadError& e) {
    return e.what();
  }
  return "";
}

TEST(PluginLoader, LoadsAGoodPluginWithItsDescriptor) {
  const auto plugin = load_plugin(kDir + "/good/good.so");
  EXPECT_EQ(plugin->info().name, "test-good");
  EXPECT_EQ(plugin->info().abi_version, SCRATCH_PLUGIN_ABI_VERSION);
  EXPECT_FALSE(plugin->info().version.empty());
  EXPECT_TRUE(plugin->info().spec.contains("config_schema"));
}

struct Rejection {
  const char* file;
  const char* reason;
};

void PrintTo(const Rejection& r, std::ostream* os) {
  *os << r.file;
}

class RejectsBadFiles : public ::testing::TestWithParam<Rejection> {};

TEST_P(RejectsBadFiles, WithAClearReason) {
  const std::string why = rejection(GetParam().file);
  EXPECT_NE(why.find(GetParam().reason), std::string::npos) << why;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RejectsBadFiles,
    ::testing::Values(Rejection{"wrong_abi/wrong_abi.so",
                                "ABI version mismatch: plugin has ABI 999, this scratchd has ABI 1"},
                      Rejection{"no_entry/no_entry.so", "no entry point"},
                      Rejection{"entry_null/entry_null.so", "returned no descriptor"},
                      Rejection{"bad_spec/bad_spec.so", "spec validation failed"},
                      Rejection{"mixed/notaplugin.so", "not a loadable shared library"},
                      Rejection{"does-not-exist.so", "not a loadable shared library"}),
    [](const auto& info) {
      std::string name = info.param.file;
      for (auto& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

TEST(PluginLoader, FolderLoadReportsGoodAndBadSideBySide) {
  const auto report = load_plugins({kDir + "/mixed", kDir + "/no-such-folder"});
  ASSERT_EQ(report.loaded.size(), 1u);
  EXPECT_EQ(report.loaded[0]->info().name, "test-good");
  EXPECT_EQ(report.rejected.size(), 2u);
}

TEST(PluginLoader, SecondPluginWithTheSameNameIsRejected) {
  const auto report = load_plugins({kDir + "/duplicate"});
  ASSERT_EQ(report.loaded.size(), 1u);
  ASSERT_EQ(report.rejected.size(), 1u);
  EXPECT_NE(report.rejected[0].reason.find("duplicate connector name 'test-good'"), std::string::npos);
}

TEST(PluginLoader, ExceptionsInEveryContractFunctionComeBackAsErrors) {
  const auto plugin = load_plugin(kDir + "/throws/throws.so");
  const auto& api = plugin->api();
  for (auto fn : {api.check, api.list_tables, api.read, api.write}) {
    char* out = nullptr;
    EXPECT_EQ(fn(nullptr, "{}", &out), SCRATCH_ERROR);
    ASSERT_NE(out, nullptr);
    const auto error = nlohmann::json::parse(out);
    api.free_string(out);
    EXPECT_NE(error.value("message", "").find("threw on purpose"), std::string::npos) << error.dump();
  }
}

TEST(PluginsCli, CheckAcceptsAGoodFileAndRejectsABadOneWithTheReason) {
  const auto ok = test::run_scratchd_cli({"plugins", "check", kDir + "/good/good.so"}, {});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("test-good"), std::string::npos) << ok.out;
  const auto bad = test::run_scratchd_cli({"plugins", "check", kDir + "/wrong_abi/wrong_abi.so"}, {});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("ABI version mismatch"), std::string::npos) << bad.err;
}

TEST(PluginsCli, ListReportsEveryFileInTheFolders) {
  const auto r = test::run_scratchd_cli({"plugins", "list", "--plugin-dirs", kDir + "/mixed"}, {});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("1 loaded, 2 rejected"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("notaplugin.so"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace scratch::connectors

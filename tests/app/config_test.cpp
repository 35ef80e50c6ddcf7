// Configuration: precedence (default < .env < environment < flag), validation, and the dotenv format.
#include "app/config.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "app/cli_args.hpp"
#include "app/env_file.hpp"

namespace scratch::app {
namespace {

namespace fs = std::filesystem;

struct EnvFile {
  explicit EnvFile(const std::string& text) {
    path = fs::temp_directory_path() / ("scratch-env-" + std::to_string(::getpid()) + "-" +
                                        std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    std::ofstream(path) << text;
  }
  ~EnvFile() { fs::remove(path); }
  fs::path path;
};

TEST(Config, DefaultsApplyWithNoSources) {
  ConfigSources s;
  s.env_file = "/nonexistent/.env";
  const Config c = load_config(s);
  EXPECT_EQ(c.port, 3010);
  EXPECT_EQ(c.role, Role::all);
  EXPECT_EQ(c.log_format, LogFormat::human);
  EXPECT_EQ(c.data_dir, "data");
  ASSERT_EQ(c.plugin_dirs.size(), 1u);
  EXPECT_EQ(c.plugin_dirs[0], fs::path("data") / "plugins");
}

TEST(Config, EnvFileBeatsDefaultEnvironmentBeatsFileFlagBeatsAll) {
  EnvFile file("PORT=4000\nSCRATCH_LOG_LEVEL=debug\nSCRATCH_HTTP_THREADS=3\n");
  ConfigSources s;
  s.env_file = file.path;
  s.environment = {{"PORT", "5000"}, {"SCRATCH_LOG_LEVEL", "warn"}};
  s.flags = {{"port", "6000"}};
  const Config c = load_config(s);
  EXPECT_EQ(c.port, 6000);         // flag
  EXPECT_EQ(c.log_level, "warn");  // environment over .env
  EXPECT_EQ(c.http_threads, 3);    // .env over default
}

TEST(Config, ServiceTypeAcceptsBothVocabularies) {
  for (const auto& [text, role] : std::vector<std::pair<std::string, Role>>{{"MONOLITH", Role::all},
                                                                            {"FRONTEND", Role::api},
                                                                            {"WORKER", Role::worker},
                                                                            {"CRON", Role::cron},
                                                                            {"api", Role::api},
                                                                            {"worker", Role::worker}}) {
    ConfigSources s;
    s.env_file = "/nonexistent";
    s.environment = {{"SERVICE_TYPE", text}};
    EXPECT_EQ(load_config(s).role, role) << text;
  }
}

TEST(Config, RejectsBadValuesNamingTheVariable) {
  const std::vector<std::pair<std::string, std::string>> bad = {{"PORT", "http"},
                                                                {"PORT", "70000"},
                                                                {"SERVICE_TYPE", "everything"},
                                                                {"SCRATCH_LOG_FORMAT", "xml"},
                                                                {"SCRATCH_LOG_LEVEL", "loud"},
                                                                {"SCRATCH_HTTP_THREADS", "0"},
                                                                {"SCRATCH_EMBEDDED", "maybe"}};
  for (const auto& [name, value] : bad) {
    ConfigSources s;
    s.env_file = "/nonexistent";
    s.environment = {{name, value}};
    try {
      load_config(s);
      ADD_FAILURE() << name << "=" << value << " accepted";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(name == "SERVICE_TYPE" ? "SERVICE_TYPE" : name), std::string::npos)
          << e.what();
    }
  }
}

TEST(Config, RejectsUnknownFlags) {
  ConfigSources s;
  s.env_file = "/nonexistent";
  s.flags = {{"prot", "1"}};
  EXPECT_THROW(load_config(s), ConfigError);
}

TEST(Config, MissingExplicitEnvFileIsAnError) {
  ConfigSources s;
  s.env_file = "/nonexistent/.env";
  s.env_file_required = true;
  EXPECT_THROW(load_config(s), ConfigError);
}

TEST(EnvFile, ParsesQuotesCommentsAndExport) {
  const auto vars = parse_env_text(
      "# comment\n\nexport A=1\nB = \"two words\"\nC='single #not comment'\nD=plain # trailing comment\n"
      "E=\"line\\nbreak\"\nF=\n",
      "test");
  EXPECT_EQ(vars.at("A"), "1");
  EXPECT_EQ(vars.at("B"), "two words");
  EXPECT_EQ(vars.at("C"), "single #not comment");
  EXPECT_EQ(vars.at("D"), "plain");
  EXPECT_EQ(vars.at("E"), "line\nbreak");
  EXPECT_EQ(vars.at("F"), "");
}

TEST(EnvFile, ReportsTheLineOfAMalformedEntry) {
  try {
    parse_env_text("A=1\nnot a pair\n", ".env");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(".env:2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_env_text("1BAD=x\n", ".env"), ConfigError);
  EXPECT_THROW(parse_env_text("A=\"open\n", ".env"), ConfigError);
}

TEST(CliArgs, SeparatesWordsFlagsAndBooleans) {
  const char* argv[] = {"scratchd", "admin", "create-user", "--email", "a@b.c", "--admin", "--port=9"};
  const auto args = parse_cli_args(7, argv, {"admin"});
  EXPECT_EQ(args.words, (std::vector<std::string>{"admin", "create-user"}));
  EXPECT_EQ(args.flags.at("email"), "a@b.c");
  EXPECT_EQ(args.flags.at("admin"), "true");
  EXPECT_EQ(args.flags.at("port"), "9");
  const char* missing[] = {"scratchd", "serve", "--port"};
  EXPECT_THROW(parse_cli_args(3, missing, {}), ConfigError);
}

}  // namespace
}  // namespace scratch::app

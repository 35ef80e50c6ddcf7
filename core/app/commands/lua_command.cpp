// `scratchd lua validate|test`: the builder's two operations from the shell, printing the same JSON the API
// answers. The script runs in a connector-runner process exactly as it would for the server.
#include <fstream>
#include <iostream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "app/commands/commands.hpp"

namespace scratch::app {
namespace {

using nlohmann::json;

int usage() {
  std::cerr << "usage: scratchd lua validate FILE.lua\n"
               "       scratchd lua test FILE.lua --config JSON [--credentials JSON] [--table T]\n";
  return 2;
}

std::optional<json> json_flag(const CliArgs& args, const std::string& name) {
  const auto it = args.flags.find(name);
  if (it == args.flags.end()) return std::nullopt;
  json value = json::parse(it->second, nullptr, false);
  if (value.is_discarded() || !value.is_object())
    throw std::runtime_error("--" + name + " must be a JSON object, e.g. '{\"base_url\": \"...\"}'");
  return value;
}

}  // namespace

int lua_command(const Config& config, const CliArgs& args) {
  const std::string sub = args.words.size() > 1 ? args.words[1] : "";
  if ((sub != "validate" && sub != "test") || args.words.size() != 3) return usage();
  const std::filesystem::path file = args.words[2];
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << "scratchd: cannot read " << file.string() << "\n";
    return 2;
  }
  std::stringstream text;
  text << in.rdbuf();
  json call = json::object();
  if (sub == "test") {
    const auto config_json = json_flag(args, "config");
    if (!config_json) return usage();
    call["config"] = *config_json;
    call["credentials"] = json_flag(args, "credentials").value_or(json::object());
    if (args.flags.count("table")) call["table"] = args.flags.at("table");
  }

  // stdout is the report; "no plugins loaded" and the like are noise here.
  if (spdlog::get_level() < spdlog::level::err) spdlog::set_level(spdlog::level::err);
  auto options = runner_options(config);
  options.size = 1;
  connectors::RunnerPool runners(options);
  runners.start();
  custom_connectors::LuaScripts scripts(runners, lua_settings(config));
  const std::string name = file.stem().string();
  const json report =
      sub == "validate" ? scripts.validate(text.str(), name) : scripts.test(text.str(), name, call);
  std::cout << report.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  return report.value(sub == "validate" ? "valid" : "ok", false) ? 0 : 1;
}

}  // namespace scratch::app

// `scratchd plugins list|check`: vet plugin files from the shell, without starting the server.
#include <iostream>

#include "app/commands/commands.hpp"
#include "connectors/plugin_loader.hpp"

namespace scratch::app {
namespace {

void print_plugin(const connectors::PluginInfo& info) {
  std::cout << "ok  " << info.name << " " << info.version << " (ABI " << info.abi_version << ")  "
            << info.path << "\n    " << info.spec.value("display_name", "") << "; capabilities:";
  for (const auto& c : info.spec["capabilities"])
    std::cout << " " << c.get<std::string>();
  std::cout << "\n";
}

}  // namespace

int plugins_command(const Config& config, const CliArgs& args) {
  const std::string sub = args.words.size() > 1 ? args.words[1] : "";
  if (sub == "list") {
    const auto report = connectors::load_plugins(config.plugin_dirs);
    std::cout << "plugin folders:";
    for (const auto& d : config.plugin_dirs)
      std::cout << " " << d.string();
    std::cout << "\n";
    for (const auto& p : report.loaded)
      print_plugin(p->info());
    for (const auto& r : report.rejected)
      std::cout << "REJECTED  " << r.path << "\n    " << r.reason << "\n";
    std::cout << report.loaded.size() << " loaded, " << report.rejected.size() << " rejected\n";
    return 0;
  }
  if (sub == "check" && args.words.size() == 3) {
    try {
      print_plugin(connectors::load_plugin(args.words[2])->info());
      return 0;
    } catch (const connectors::PluginLoadError& e) {
      std::cerr << "REJECTED  " << args.words[2] << "\n    " << e.what() << "\n";
      return 1;
    }
  }
  std::cerr << "usage: scratchd plugins list | scratchd plugins check FILE.so\n";
  return 2;
}

}  // namespace scratch::app

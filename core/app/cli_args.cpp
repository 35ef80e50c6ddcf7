#include "app/cli_args.hpp"

#include "app/config.hpp"

namespace scratch::app {

CliArgs parse_cli_args(int argc, const char* const* argv, const std::set<std::string>& boolean_flags) {
  CliArgs out;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0 || arg == "--") {
      out.words.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2);
    const auto eq = name.find('=');
    if (eq != std::string::npos) {
      out.flags[name.substr(0, eq)] = name.substr(eq + 1);
    } else if (boolean_flags.count(name)) {
      out.flags[name] = "true";
    } else {
      if (i + 1 >= argc) throw ConfigError("option --" + name + " needs a value");
      out.flags[name] = argv[++i];
    }
  }
  return out;
}

}  // namespace scratch::app

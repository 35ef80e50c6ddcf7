// Entry point logic: parse the command line, load configuration, run the subcommand.
#include <iostream>

#include "app/commands/commands.hpp"
#include "app/logging.hpp"
#include "connectors/connector_runner.hpp"

namespace scratch::app {
namespace {

// Flags that belong to subcommands rather than to the configuration.
const std::set<std::string> kCommandFlags = {"email",  "admin",       "password-stdin", "env-file",
                                             "config", "credentials", "table"};

void print_help() {
  std::cout
      << "scratchd " << SCRATCH_VERSION << ": the Scratch data server\n\n"
      << "Usage:\n"
         "  scratchd serve [--role all|api|worker|cron] [options]   run the server (migrates first)\n"
         "  scratchd migrate [options]                              apply database migrations and exit\n"
         "  scratchd admin create-user --email E [--admin]          create an account; password from stdin\n"
         "  scratchd admin set-role --email E --role USER|ADMIN     change an account's role\n"
         "  scratchd plugins list                                   load the plugin folders and report each "
         "file\n"
         "  scratchd plugins check FILE.so                          vet one plugin file; exit 1 with the "
         "reason\n"
         "  scratchd lua validate FILE.lua                          validate a Lua connector script (JSON "
         "report)\n"
         "  scratchd lua test FILE.lua --config JSON [--credentials JSON] [--table T]\n"
         "                                                          run its steps against a source (JSON "
         "report)\n"
         "  scratchd version | help\n\n"
         "Options (flag / environment variable / default). Flags beat the environment, which beats .env:\n";
  for (const auto& o : config_options()) {
    std::cout << "  --" << o.flag << " / " << o.env << " ("
              << (o.default_value[0] ? o.default_value : "unset") << ")\n      " << o.help << "\n";
  }
  std::cout << "  --env-file PATH    read this dotenv file instead of ./.env\n";
}

}  // namespace

int run_cli(int argc, const char* const* argv) {
  try {
    const CliArgs args = parse_cli_args(argc, argv, {"admin", "password-stdin", "help"});
    const std::string command = args.words.empty() ? "serve" : args.words[0];
    if (command == "help" || args.flags.count("help")) {
      print_help();
      return 0;
    }
    if (command == "version") {
      std::cout << "scratchd " << SCRATCH_VERSION << "\n";
      return 0;
    }
    ConfigSources sources;
    sources.environment = process_environment();
    for (const auto& [k, v] : args.flags) {
      if (!kCommandFlags.count(k)) sources.flags[k] = v;
    }
    if (args.flags.count("env-file")) {
      sources.env_file = args.flags.at("env-file");
      sources.env_file_required = true;
    }
    if (command == "admin") {
      // "--role" here is the account role, not the process role.
      sources.flags.erase("role");
    }
    Config config = load_config(sources);
    const bool quiet = command != "serve" && command != "connector-runner";
    if (quiet && config.log_level == "info") config.log_level = "warn";
    setup_logging(config.log_level, config.log_format);
    if (command == "serve") return serve_command(std::move(config));
    if (command == "migrate") return migrate_command(config);
    if (command == "admin") return admin_command(config, args);
    if (command == "plugins") return plugins_command(config, args);
    if (command == "lua") return lua_command(config, args);
    if (command == "connector-runner") return connectors::run_connector_runner(config.plugin_dirs);
    std::cerr << "scratchd: unknown command '" << command << "' (try `scratchd help`)\n";
    return 2;
  } catch (const ConfigError& e) {
    std::cerr << "scratchd: configuration error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "scratchd: error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace scratch::app

// Splits a command line into words (command, subcommand, positionals) and --flags.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace scratch::app {

struct CliArgs {
  std::vector<std::string> words;            // non-flag arguments in order
  std::map<std::string, std::string> flags;  // "--name value", "--name=value"; boolean flags map to "true"
};

// Flags named in `boolean_flags` take no value. Throws ConfigError for a flag missing its value.
CliArgs parse_cli_args(int argc, const char* const* argv, const std::set<std::string>& boolean_flags);

}  // namespace scratch::app

// The scratchd subcommands. Each returns the process exit code.
#pragma once

#include "app/cli_args.hpp"
#include "app/config.hpp"
#include "connectors/runner_pool.hpp"
#include "custom_connectors/lua_scripts.hpp"

namespace scratch::app {

int run_cli(int argc, const char* const* argv);

int serve_command(Config config);
int migrate_command(const Config& config);
int admin_command(const Config& config, const CliArgs& args);
int plugins_command(const Config& config, const CliArgs& args);
// `scratchd lua validate FILE` and `scratchd lua test FILE --config JSON [--credentials JSON] [--table T]`.
int lua_command(const Config& config, const CliArgs& args);

// Runs the embedded migrations, retrying while the database refuses connections for up to
// config.db_startup_wait_seconds. Throws when it cannot.
void migrate_with_wait(const Config& config);

// How `serve` starts its connector-runner processes (this binary, `connector-runner`, the plugin folders).
connectors::RunnerPool::Options runner_options(const Config& config);
// The SCRATCH_LUA_* settings as Lua connectors use them.
custom_connectors::LuaSettings lua_settings(const Config& config);

}  // namespace scratch::app

// The connector-runner process: `scratchd connector-runner` loads the plugins and serves contract calls
// from the supervising scratchd over two pipes (requests on fd 3, responses on fd 4). A crash or hang in
// plugin code takes down only this process; the supervisor notices and starts another.
#pragma once

#include <filesystem>
#include <vector>

namespace scratch::connectors {

constexpr int kRunnerRequestFd = 3;
constexpr int kRunnerResponseFd = 4;

// Runs until the supervisor closes the request pipe. Returns the process exit code.
int run_connector_runner(const std::vector<std::filesystem::path>& plugin_dirs);

}  // namespace scratch::connectors

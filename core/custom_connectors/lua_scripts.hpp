// Running Lua connector scripts, from scratchd's side: the operator's limits and address policy, and the
// builder operations (validate, test) sent to a connector-runner process. Nothing here executes Lua: that
// happens in the runner (connectors/lua_runner.hpp), which the pool kills when a script overruns.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "connectors/runner_pool.hpp"

namespace scratch::custom_connectors {

// SCRATCH_LUA_* (see the README's configuration table). Defaults match the sandbox's own.
struct LuaSettings {
  std::size_t memory_bytes = 64u << 20;
  std::uint64_t instructions = 200'000'000;
  std::chrono::milliseconds wall{30000};
  int http_calls = 200;
  std::size_t http_bytes = 64u << 20;
  std::size_t log_bytes = 256u << 10;
  std::vector<std::string> allowed_hosts;  // host or host:port the address guard lets through anyway
  bool allow_private = false;              // loopback/private/link-local allowed (self-hosted setups)

  nlohmann::json limits_json()
      const;  // {memory_bytes, instructions, wall_ms, http_calls, http_bytes, log_bytes}
  nlohmann::json policy_json() const;  // {allow_private, allowed_hosts}
};

class LuaScripts {
 public:
  LuaScripts(connectors::RunnerPool& runners, LuaSettings settings);

  const LuaSettings& settings() const { return settings_; }

  // The "lua" member of a runner request for this script. `name` tags its log lines ("lua:<name>").
  nlohmann::json lua(const std::string& script, const std::string& name,
                     double requests_per_second = 0) const;

  // A contract call (spec, check, list_tables, read, write) as a connector does it.
  connectors::CallResult call(const nlohmann::json& lua, const std::string& op, const nlohmann::json& call,
                              std::chrono::milliseconds timeout);

  // {"valid", "errors": [{kind, message, line, column, function}], "spec", "functions"}.
  nlohmann::json validate(const std::string& script, const std::string& name);
  // {"ok", "steps": [{name, status, duration_ms, sample, logs, error}]}; `call` is {config, credentials,
  // table?, write?}.
  nlohmann::json test(const std::string& script, const std::string& name, const nlohmann::json& call);

 private:
  // How long a runner may take for `calls` script calls before it is killed.
  std::chrono::milliseconds deadline(int calls) const;

  connectors::RunnerPool& runners_;
  LuaSettings settings_;
};

}  // namespace scratch::custom_connectors

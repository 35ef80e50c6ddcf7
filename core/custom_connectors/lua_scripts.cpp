#include "custom_connectors/lua_scripts.hpp"

namespace scratch::custom_connectors {
namespace {

using nlohmann::json;

// What a runner failure (killed at the deadline, crashed) means to a builder: the script ran too long or
// brought its process down, typically inside one C call the count hook cannot see (a pathological pattern).
json runner_failure(const connectors::CallResult& r) {
  const std::string code = r.value.value("code", "connector_error");
  json e = {{"kind", code == "connector_timeout" ? "limit" : "host"},
            {"message", r.value.value("message", "the script's runner failed")},
            {"line", 0},
            {"column", 0},
            {"function", ""},
            {"code", code == "connector_timeout" ? "limit_exceeded" : code}};
  if (code == "connector_timeout") e["limit"] = "time";
  return e;
}

}  // namespace

json LuaSettings::limits_json() const {
  return {{"memory_bytes", memory_bytes}, {"instructions", instructions}, {"wall_ms", wall.count()},
          {"http_calls", http_calls},     {"http_bytes", http_bytes},     {"log_bytes", log_bytes}};
}

json LuaSettings::policy_json() const {
  return {{"allow_private", allow_private}, {"allowed_hosts", allowed_hosts}};
}

LuaScripts::LuaScripts(connectors::RunnerPool& runners, LuaSettings settings)
    : runners_(runners), settings_(std::move(settings)) {}

json LuaScripts::lua(const std::string& script, const std::string& name, double requests_per_second) const {
  return {{"script", script},
          {"name", name},
          {"limits", settings_.limits_json()},
          {"address_policy", settings_.policy_json()},
          {"requests_per_second", requests_per_second}};
}

std::chrono::milliseconds LuaScripts::deadline(int calls) const {
  // Each call stops itself at the wall limit; the margin covers loading and the pipe. Past it the runner is
  // stuck where the sandbox cannot interrupt it, and killing it is the only way out.
  return settings_.wall * calls + std::chrono::milliseconds(5000);
}

connectors::CallResult LuaScripts::call(const json& lua, const std::string& op, const json& call,
                                        std::chrono::milliseconds timeout) {
  return runners_.call_lua(lua, op, call, timeout);
}

json LuaScripts::validate(const std::string& script, const std::string& name) {
  auto r = runners_.call_lua(lua(script, name), "validate", json::object(), deadline(2));
  if (r.ok && r.value.is_object()) return r.value;
  return {{"valid", false},
          {"errors", json::array({runner_failure(r)})},
          {"spec", nullptr},
          {"functions", json::object()}};
}

json LuaScripts::test(const std::string& script, const std::string& name, const json& call) {
  auto r = runners_.call_lua(lua(script, name), "test", call, deadline(6));
  if (r.ok && r.value.is_object()) return r.value;
  // The runner was killed or crashed mid-test: what ran before is lost with it.
  json error = runner_failure(r);
  return {{"ok", false},
          {"steps", json::array({{{"name", "spec"},
                                  {"status", "error"},
                                  {"duration_ms", 0},
                                  {"sample", nullptr},
                                  {"logs", json::array()},
                                  {"error", error}}})},
          {"error", error}};
}

}  // namespace scratch::custom_connectors

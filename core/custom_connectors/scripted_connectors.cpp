#include "custom_connectors/scripted_connectors.hpp"

#include <charconv>

#include "auth/user_store.hpp"

namespace scratch::custom_connectors {
namespace {

using nlohmann::json;

constexpr std::string_view kPrefix = "custom:";

connectors::CallResult unknown(const std::string& connector) {
  return {false,
          {{"code", "unknown_connector"},
           {"message", "no connector named '" + connector + "' exists"},
           {"retryable", false}}};
}

}  // namespace

std::optional<std::pair<std::string, int>> parse_custom_type(const std::string& connector) {
  if (connector.compare(0, kPrefix.size(), kPrefix) != 0) return std::nullopt;
  const auto at = connector.rfind('@');
  if (at == std::string::npos || at <= kPrefix.size()) return std::nullopt;
  const std::string id = connector.substr(kPrefix.size(), at - kPrefix.size());
  if (!auth::is_uuid(id)) return std::nullopt;
  int version = 0;
  const char* begin = connector.data() + at + 1;
  const char* end = connector.data() + connector.size();
  const auto [ptr, ec] = std::from_chars(begin, end, version);
  if (ec != std::errc() || ptr != end || version < 1 || begin == end) return std::nullopt;
  return std::make_pair(id, version);
}

std::string custom_type(const std::string& id, int version) {
  return std::string(kPrefix) + id + "@" + std::to_string(version);
}

ScriptedConnectors::ScriptedConnectors(connectors::RunnerPool& runners, CustomConnectorStore& store,
                                       LuaScripts& scripts)
    : runners_(runners), store_(store), scripts_(scripts) {}

json ScriptedConnectors::catalog() const {
  return runners_.catalog();
}

std::shared_ptr<const VersionRow> ScriptedConnectors::version(const std::string& connector) const {
  const auto parsed = parse_custom_type(connector);
  if (!parsed) return nullptr;
  {
    std::lock_guard lock(mutex_);
    if (auto it = cache_.find(*parsed); it != cache_.end()) return it->second;
  }
  auto row = store_.version(parsed->first, parsed->second);
  if (!row) return nullptr;
  auto shared = std::make_shared<const VersionRow>(std::move(*row));
  std::lock_guard lock(mutex_);
  cache_[*parsed] = shared;
  return shared;
}

void ScriptedConnectors::forget(const std::string& connector_id) {
  std::lock_guard lock(mutex_);
  for (auto it = cache_.begin(); it != cache_.end();) {
    if (it->first.first == connector_id)
      it = cache_.erase(it);
    else
      ++it;
  }
}

std::optional<json> ScriptedConnectors::spec(const std::string& connector) const {
  if (connector.compare(0, kPrefix.size(), kPrefix) != 0) return runners_.spec(connector);
  const auto v = version(connector);
  // A version that did not validate has no spec: accounts cannot be made for it.
  if (!v || v->spec.is_null()) return std::nullopt;
  return v->spec;
}

std::optional<json> ScriptedConnectors::spec_for_user(const std::string& user_id,
                                                      const std::string& connector) const {
  if (connector.compare(0, kPrefix.size(), kPrefix) != 0) return runners_.spec(connector);
  const auto v = version(connector);
  if (!v || v->user_id != user_id || v->spec.is_null()) return std::nullopt;
  return v->spec;
}

connectors::CallResult ScriptedConnectors::call(const std::string& connector, const std::string& op,
                                                const json& call, std::chrono::milliseconds timeout) {
  if (connector.compare(0, kPrefix.size(), kPrefix) != 0) return runners_.call(connector, op, call, timeout);
  const auto v = version(connector);
  if (!v || v->spec.is_null()) return unknown(connector);
  double rps = 0;
  if (v->spec.contains("limits") && v->spec["limits"].is_object())
    rps = v->spec["limits"].value("requests_per_second", 0.0);
  auto result = scripts_.call(scripts_.lua(v->script, v->connector_name, rps), op, call, timeout);
  if (!result.ok && result.value.is_object() && result.script.is_object() &&
      result.script["diagnostic"].is_object()) {
    // Where the script failed travels with the error (job errors, the API's connector_error).
    const auto& d = result.script["diagnostic"];
    result.value["line"] = d.value("line", 0);
    result.value["traceback"] = d.value("traceback", "");
    result.value["function"] = d.value("function", op);
  }
  return result;
}

connectors::CallResult ScriptedConnectors::call_raw(const std::string& connector, const std::string& op,
                                                    const json& call, std::chrono::milliseconds timeout) {
  if (connector.compare(0, kPrefix.size(), kPrefix) != 0)
    return runners_.call_raw(connector, op, call, timeout);
  auto r = this->call(connector, op, call, timeout);
  if (r.ok) {
    r.raw = r.value.dump(-1, ' ', false, json::error_handler_t::replace);
    r.value = nullptr;
  }
  return r;
}

}  // namespace scratch::custom_connectors

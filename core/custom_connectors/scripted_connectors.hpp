// The Connectors the server uses: native plugins through the runner pool, plus custom Lua connectors named
// "custom:<connector id>@<version>". An account pins one version that way; versions are immutable, so a
// version's script and spec are cached once read. A custom connector is its owner's only: for anyone else
// spec_for_user() knows no such type, so their account is refused as naming an unknown connector.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "connectors/runner_pool.hpp"
#include "custom_connectors/custom_connector_store.hpp"
#include "custom_connectors/lua_scripts.hpp"

namespace scratch::custom_connectors {

// "custom:<uuid>@<n>" -> (uuid, n); nullopt for anything else.
std::optional<std::pair<std::string, int>> parse_custom_type(const std::string& connector);
std::string custom_type(const std::string& id, int version);

class ScriptedConnectors : public connectors::Connectors {
 public:
  ScriptedConnectors(connectors::RunnerPool& runners, CustomConnectorStore& store, LuaScripts& scripts);

  nlohmann::json catalog() const override;
  std::optional<nlohmann::json> spec(const std::string& connector) const override;
  std::optional<nlohmann::json> spec_for_user(const std::string& user_id,
                                              const std::string& connector) const override;
  connectors::CallResult call(const std::string& connector, const std::string& op, const nlohmann::json& call,
                              std::chrono::milliseconds timeout) override;
  connectors::CallResult call_raw(const std::string& connector, const std::string& op,
                                  const nlohmann::json& call, std::chrono::milliseconds timeout) override;

  // A deleted connector's versions leave the cache.
  void forget(const std::string& connector_id);

 private:
  // The stored version of a custom type (cached), or null when there is none.
  std::shared_ptr<const VersionRow> version(const std::string& connector) const;

  connectors::RunnerPool& runners_;
  CustomConnectorStore& store_;
  LuaScripts& scripts_;
  mutable std::mutex mutex_;
  mutable std::map<std::pair<std::string, int>, std::shared_ptr<const VersionRow>> cache_;
};

}  // namespace scratch::custom_connectors

// The builder's API behind /api/v1/custom-connectors: custom connectors (a name and numbered, immutable
// versions of a Lua script), validation and test runs of a saved version or of a script sent inline, and
// the machine-readable contract. Everything is its owner's only: another user's ids are 404.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "custom_connectors/custom_connector_store.hpp"
#include "custom_connectors/lua_scripts.hpp"
#include "custom_connectors/scripted_connectors.hpp"

namespace scratch::custom_connectors {

class CustomConnectorService {
 public:
  CustomConnectorService(CustomConnectorStore& store, ScriptedConnectors& connectors, LuaScripts& scripts);

  // All throw http::ApiError: 404 for an id that is not the caller's, 422 for a bad body, 409 for a name
  // taken or a connector still used by accounts.
  nlohmann::json create(const std::string& user_id, const nlohmann::json& body);
  nlohmann::json list(const std::string& user_id);
  nlohmann::json get(const std::string& user_id, const std::string& id);
  nlohmann::json update(const std::string& user_id, const std::string& id, const nlohmann::json& body);
  void remove(const std::string& user_id, const std::string& id);

  nlohmann::json add_version(const std::string& user_id, const std::string& id, const nlohmann::json& body);
  nlohmann::json versions(const std::string& user_id, const std::string& id);
  nlohmann::json version(const std::string& user_id, const std::string& id, const std::string& number);

  // {script} or {connector_id, version}.
  nlohmann::json validate(const std::string& user_id, const nlohmann::json& body);
  // The same plus {config, credentials, table?, write?: {table, ops}}.
  nlohmann::json test(const std::string& user_id, const nlohmann::json& body);
  nlohmann::json contract() const;

 private:
  struct Script {
    std::string text, name;
  };
  Script script_of(const std::string& user_id, const nlohmann::json& body);
  ConnectorRow owned(const std::string& user_id, const std::string& id);
  nlohmann::json connector_json(const ConnectorRow& row);

  CustomConnectorStore& store_;
  ScriptedConnectors& connectors_;
  LuaScripts& scripts_;
};

// The contract document (also what `scratchd lua` and tests compare against).
nlohmann::json lua_contract_document(const LuaSettings& settings);
// A version as the API shows it; the script only when asked.
nlohmann::json version_json(const VersionRow& row, bool with_script);

}  // namespace scratch::custom_connectors

// Custom connectors in PostgreSQL (migrations/0007): a named connector per user and its immutable,
// numbered versions (script, the spec it declared when it validated, the validation report).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "db/connection_pool.hpp"

namespace scratch::custom_connectors {

struct ConnectorRow {
  std::string id, user_id, name, created_at, updated_at;
  int latest_version = 0;
};

struct VersionRow {
  std::string connector_id, user_id, connector_name;
  int version = 0;
  std::string script;   // empty when listed without scripts
  nlohmann::json spec;  // null when the version did not validate
  nlohmann::json validation;
  std::string created_at;
};

class CustomConnectorStore {
 public:
  explicit CustomConnectorStore(db::ConnectionPool& pool) : pool_(pool) {}

  // Both make version 1 / n+1 in one transaction. create() returns nullopt when the user already has a
  // connector of that name.
  std::optional<ConnectorRow> create(const std::string& user_id, const std::string& name,
                                     const std::string& script, const nlohmann::json& spec,
                                     const nlohmann::json& validation);
  // nullopt when the connector is not the user's.
  std::optional<VersionRow> add_version(const std::string& user_id, const std::string& id,
                                        const std::string& script, const nlohmann::json& spec,
                                        const nlohmann::json& validation);

  std::vector<ConnectorRow> list(const std::string& user_id);
  std::optional<ConnectorRow> get(const std::string& user_id, const std::string& id);
  // false: not the user's. Throws NameTaken when another of the user's connectors has the name.
  bool rename(const std::string& user_id, const std::string& id, const std::string& name);
  struct NameTaken {};
  // The ids of the user's accounts that use any version of the connector.
  std::vector<std::string> accounts_using(const std::string& user_id, const std::string& id);
  bool remove(const std::string& user_id, const std::string& id);

  std::vector<VersionRow> versions(const std::string& user_id, const std::string& id);  // without scripts
  // One version with its script, whoever owns it (callers check VersionRow::user_id).
  std::optional<VersionRow> version(const std::string& id, int version);

 private:
  db::ConnectionPool& pool_;
};

}  // namespace scratch::custom_connectors

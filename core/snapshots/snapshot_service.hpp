// Snapshots and their tables. Callers have already checked access (SnapshotAccess); the user id still
// scopes every query, as a second line of defence.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "accounts/account_service.hpp"
#include "db/connection_pool.hpp"

namespace scratch::snapshots {

class SnapshotService {
 public:
  SnapshotService(db::ConnectionPool& pool, accounts::AccountService& accounts)
      : pool_(pool), accounts_(accounts) {}

  nlohmann::json create(const std::string& user_id, const std::string& name);
  nlohmann::json list(const std::string& user_id);
  nlohmann::json get(const std::string& user_id, const std::string& id);
  nlohmann::json rename(const std::string& user_id, const std::string& id, const std::string& name);
  void remove(const std::string& user_id, const std::string& id);

  // Adds an account's table, with its fields as the connector lists them now.
  nlohmann::json add_table(const std::string& user_id, const std::string& snapshot_id,
                           const std::string& account_id, const std::string& remote_table);
  nlohmann::json list_tables(const std::string& snapshot_id);
  nlohmann::json get_table(const std::string& snapshot_id, const std::string& table_id);
  void remove_table(const std::string& user_id, const std::string& snapshot_id, const std::string& table_id);

  // The table's active view filter (null clears it); 400 invalid_filter for one that does not compile.
  nlohmann::json set_view_filter(const std::string& user_id, const std::string& snapshot_id,
                                 const std::string& table_id, const nlohmann::json& filter);
  // Scratch columns: local-only fields, never published, kept across downloads.
  nlohmann::json add_scratch_field(const std::string& user_id, const std::string& snapshot_id,
                                   const std::string& table_id, const std::string& name,
                                   const std::string& type);
  void remove_scratch_field(const std::string& user_id, const std::string& snapshot_id,
                            const std::string& table_id, const std::string& field_id);

 private:
  db::ConnectionPool& pool_;
  accounts::AccountService& accounts_;
};

}  // namespace scratch::snapshots

// Changing records by hand: edits, local creates, tombstones, reverts, conflict resolution and bulk edits.
// Every change bumps the record's seq (change feed) and emits records.changed in the same transaction.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "db/connection_pool.hpp"

namespace scratch::snapshots {

class RecordWriter {
 public:
  explicit RecordWriter(db::ConnectionPool& pool) : pool_(pool) {}

  nlohmann::json edit(const std::string& user_id, const std::string& snapshot_id, const std::string& table_id,
                      const std::string& record_id, const nlohmann::json& values);
  nlohmann::json create(const std::string& user_id, const std::string& snapshot_id,
                        const std::string& table_id, const nlohmann::json& values);
  nlohmann::json remove(const std::string& user_id, const std::string& snapshot_id,
                        const std::string& table_id, const std::string& record_id);
  nlohmann::json revert(const std::string& user_id, const std::string& snapshot_id,
                        const std::string& table_id, const std::string& record_id,
                        const nlohmann::json& fields);
  nlohmann::json resolve(const std::string& user_id, const std::string& snapshot_id,
                         const std::string& table_id, const std::string& record_id,
                         const nlohmann::json& body);
  nlohmann::json bulk_update(const std::string& user_id, const std::string& snapshot_id,
                             const std::string& table_id, const nlohmann::json& body);
  nlohmann::json replace(const std::string& user_id, const std::string& snapshot_id,
                         const std::string& table_id, const nlohmann::json& body);

 private:
  db::ConnectionPool& pool_;
};

// SQL that hard-deletes the given records (a WHERE over `records`) and leaves tombstones for the change feed;
// returns the statement. Also keeps the table's record_count.
std::string purge_sql(const std::string& table_id_literal, const std::string& where);

}  // namespace scratch::snapshots

// Suggestions: an agent (or the owner) proposes values, new records and deletions; they sit beside the
// record until the owner accepts them (they become edits) or rejects them.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "db/connection_pool.hpp"

namespace scratch::snapshots {

class SuggestionService {
 public:
  explicit SuggestionService(db::ConnectionPool& pool) : pool_(pool) {}

  // {table_id, updates: [{record_id, values}], creates: [{values}], deletes: [record_id]}
  nlohmann::json suggest(const std::string& user_id, const std::string& snapshot_id,
                         const nlohmann::json& body);
  nlohmann::json list(const std::string& snapshot_id, const std::string& table_id, int limit,
                      const std::string& cursor);
  // {items: [{table_id, record_id, fields?}]} | {table_id, filter} | {all: true}
  nlohmann::json accept(const std::string& user_id, const std::string& snapshot_id,
                        const nlohmann::json& body);
  nlohmann::json reject(const std::string& user_id, const std::string& snapshot_id,
                        const nlohmann::json& body);

 private:
  nlohmann::json decide(const std::string& user_id, const std::string& snapshot_id,
                        const nlohmann::json& body, bool accept);
  db::ConnectionPool& pool_;
};

}  // namespace scratch::snapshots

// Agent tokens: an owner hands an AI agent a token for one snapshot that can read it and suggest changes,
// nothing else, and that always expires. The secret is shown once and stored hashed.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "db/connection_pool.hpp"

namespace scratch::snapshots {

constexpr long long kDefaultAgentTokenHours = 24 * 7;
constexpr long long kMaxAgentTokenHours = 24 * 90;

class AgentTokenService {
 public:
  explicit AgentTokenService(db::ConnectionPool& pool) : pool_(pool) {}

  nlohmann::json create(const std::string& user_id, const std::string& snapshot_id, const std::string& name,
                        long long expires_in_hours, const std::vector<std::string>& capabilities);
  nlohmann::json list(const std::string& user_id, const std::string& snapshot_id);
  bool revoke(const std::string& user_id, const std::string& snapshot_id, const std::string& token_id);

 private:
  db::ConnectionPool& pool_;
};

}  // namespace scratch::snapshots

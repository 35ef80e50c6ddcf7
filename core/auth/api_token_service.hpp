// API tokens for scripts: created with the secret shown once, listed without it, revoked by id.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "db/connection_pool.hpp"

namespace scratch::auth {

class ApiTokenService {
 public:
  explicit ApiTokenService(db::ConnectionPool& pool) : pool_(pool) {}

  // Returns the token's public fields plus "token", the secret, which is never retrievable again.
  nlohmann::json create(const std::string& user_id, const std::string& name,
                        std::optional<long long> expires_in_days);
  nlohmann::json list(const std::string& user_id);
  // False when no live token with this id belongs to the user (another user's id looks the same).
  bool revoke(const std::string& user_id, const std::string& token_id);

 private:
  db::ConnectionPool& pool_;
};

}  // namespace scratch::auth

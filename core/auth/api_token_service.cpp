#include "auth/api_token_service.hpp"

#include <pqxx/pqxx>

#include "auth/authenticator.hpp"
#include "auth/user_store.hpp"
#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"
#include "crypto/random.hpp"
#include "db/transaction.hpp"

namespace scratch::auth {
namespace {

constexpr const char* kColumns =
    "id::text, name, token_prefix, scratch_iso(created_at), scratch_iso(expires_at), "
    "scratch_iso(last_used_at)";

nlohmann::json token_json(const pqxx::row& row) {
  auto nullable = [&](int i) -> nlohmann::json {
    return row[i].is_null() ? nlohmann::json(nullptr) : nlohmann::json(row[i].as<std::string>());
  };
  return {{"id", row[0].as<std::string>()},     {"name", row[1].as<std::string>()},
          {"prefix", row[2].as<std::string>()}, {"created_at", row[3].as<std::string>()},
          {"expires_at", nullable(4)},          {"last_used_at", nullable(5)}};
}

}  // namespace

nlohmann::json ApiTokenService::create(const std::string& user_id, const std::string& name,
                                       std::optional<long long> expires_in_days) {
  const std::string secret = std::string(kApiTokenPrefix) + crypto::random_token(32);
  const std::string hash = crypto::hex_encode(crypto::sha256(secret));
  auto out = db::with_transaction(pool_, [&](pqxx::work& tx) {
    return token_json(tx.exec_params1(
        std::string("INSERT INTO api_tokens (user_id, name, token_hash, token_prefix, expires_at) "
                    "VALUES ($1::uuid, $2, $3, $4, CASE WHEN $5::int > 0 THEN now() + make_interval(days => "
                    "$5::int) END) "
                    "RETURNING ") +
            kColumns,
        user_id, name, hash, secret.substr(0, 12),
        static_cast<int>(expires_in_days.value_or(0))));  // 0: never expires
  });
  out["token"] = secret;
  return out;
}

nlohmann::json ApiTokenService::list(const std::string& user_id) {
  return db::with_read(pool_, [&](pqxx::read_transaction& tx) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& row :
         tx.exec_params(std::string("SELECT ") + kColumns +
                            " FROM api_tokens WHERE user_id = $1::uuid AND revoked_at IS NULL "
                            "ORDER BY created_at, id",
                        user_id)) {
      items.push_back(token_json(row));
    }
    return items;
  });
}

bool ApiTokenService::revoke(const std::string& user_id, const std::string& token_id) {
  if (!is_uuid(token_id)) return false;
  return db::with_transaction(pool_, [&](pqxx::work& tx) {
    return tx.exec_params(
                 "UPDATE api_tokens SET revoked_at = now() "
                 "WHERE id = $1::uuid AND user_id = $2::uuid AND revoked_at IS NULL",
                 token_id, user_id)
               .affected_rows() == 1;
  });
}

}  // namespace scratch::auth

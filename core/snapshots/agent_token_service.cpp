#include "snapshots/agent_token_service.hpp"

#include <pqxx/pqxx>

#include "auth/authenticator.hpp"
#include "auth/user_store.hpp"
#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"
#include "crypto/random.hpp"
#include "db/transaction.hpp"

namespace scratch::snapshots {
namespace {

constexpr const char* kColumns =
    "id::text, name, token_prefix, capabilities::text, scratch_iso(expires_at), scratch_iso(created_at), "
    "scratch_iso(last_used_at)";

nlohmann::json token_json(const pqxx::row& r) {
  return {
      {"id", r[0].as<std::string>()},
      {"name", r[1].as<std::string>()},
      {"prefix", r[2].as<std::string>()},
      {"capabilities", nlohmann::json::parse(r[3].as<std::string>())},
      {"expires_at", r[4].as<std::string>()},
      {"created_at", r[5].as<std::string>()},
      {"last_used_at", r[6].is_null() ? nlohmann::json(nullptr) : nlohmann::json(r[6].as<std::string>())}};
}

}  // namespace

nlohmann::json AgentTokenService::create(const std::string& user_id, const std::string& snapshot_id,
                                         const std::string& name, long long expires_in_hours,
                                         const std::vector<std::string>& capabilities) {
  const std::string secret = std::string(auth::kAgentTokenPrefix) + crypto::random_token(32);
  const std::string hash = crypto::hex_encode(crypto::sha256(secret));
  auto out = db::with_transaction(pool_, [&](pqxx::work& tx) {
    return token_json(tx.exec_params1(
        std::string(
            "INSERT INTO agent_tokens (user_id, snapshot_id, name, token_hash, token_prefix, expires_at, "
            "capabilities) VALUES ($1::uuid, $2::uuid, $3, $4, $5, now() + make_interval(hours => $6::int), "
            "$7::jsonb) "
            "RETURNING ") +
            kColumns,
        user_id, snapshot_id, name, hash, secret.substr(0, 12), static_cast<int>(expires_in_hours),
        nlohmann::json(capabilities).dump()));
  });
  out["token"] = secret;
  return out;
}

nlohmann::json AgentTokenService::list(const std::string& user_id, const std::string& snapshot_id) {
  return db::with_read(pool_, [&](pqxx::read_transaction& tx) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& row : tx.exec_params(std::string("SELECT ") + kColumns +
                                              " FROM agent_tokens WHERE user_id = $1::uuid AND snapshot_id = "
                                              "$2::uuid AND revoked_at IS NULL AND expires_at > now() "
                                              "ORDER BY created_at, id",
                                          user_id, snapshot_id))
      items.push_back(token_json(row));
    return nlohmann::json{{"items", items}};
  });
}

bool AgentTokenService::revoke(const std::string& user_id, const std::string& snapshot_id,
                               const std::string& token_id) {
  if (!auth::is_uuid(token_id)) return false;
  return db::with_transaction(pool_, [&](pqxx::work& tx) {
    return tx.exec_params(
                 "UPDATE agent_tokens SET revoked_at = now() WHERE id = $1::uuid AND user_id = "
                 "$2::uuid AND snapshot_id = $3::uuid AND revoked_at IS NULL",
                 token_id, user_id, snapshot_id)
               .affected_rows() == 1;
  });
}

}  // namespace scratch::snapshots

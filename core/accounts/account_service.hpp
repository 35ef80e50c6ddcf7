// Connector accounts: a user's configured source (connector type, settings, encrypted credentials).
// Settings are validated against the connector's spec; credentials are sealed with AES-256-GCM under the
// master key and never leave the server (responses show which keys are set, masked).
#pragma once

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>

#include "accounts/quota_ledger.hpp"
#include "connectors/connectors.hpp"
#include "crypto/secret_box.hpp"
#include "db/connection_pool.hpp"
#include "uploads/upload_service.hpp"

namespace scratch::accounts {

class AccountService {
 public:
  AccountService(db::ConnectionPool& pool, connectors::Connectors& connectors, crypto::SecretBox box,
                 UploadsRef uploads, std::filesystem::path data_dir, std::chrono::milliseconds call_timeout);

  // All throw http::ApiError: 404 for an id that is not the caller's, 422 for invalid settings.
  nlohmann::json create(const std::string& user_id, const nlohmann::json& body);
  nlohmann::json list(const std::string& user_id);
  nlohmann::json get(const std::string& user_id, const std::string& id);
  nlohmann::json update(const std::string& user_id, const std::string& id, const nlohmann::json& body);
  void remove(const std::string& user_id, const std::string& id);

  // Runs a contract function for the account; a failure becomes the matching ApiError.
  nlohmann::json run(const std::string& user_id, const std::string& id, const std::string& op,
                     const nlohmann::json& request = nlohmann::json::object());
  // Same, but hands back the raw outcome (for jobs that record per-call failures).
  connectors::CallResult call(const std::string& user_id, const std::string& id, const std::string& op,
                              const nlohmann::json& request);
  // Same, with a successful result as JSON text (CallResult::raw), for pages passed on unparsed.
  connectors::CallResult call_raw(const std::string& user_id, const std::string& id, const std::string& op,
                                  const nlohmann::json& request);

  // The account's daily quota and today's use, when its connector declares one (see quota_ledger.hpp).
  std::optional<std::pair<QuotaPolicy, QuotaUsage>> quota(const std::string& user_id, const std::string& id);

  // The account's file folder (e.g. CSV versions): listing and one file's path.
  nlohmann::json list_files(const std::string& user_id, const std::string& id);
  std::filesystem::path file_path(const std::string& user_id, const std::string& id, const std::string& name);

 private:
  struct Stored {
    std::string id, connector, display_name, created_at, updated_at;
    nlohmann::json config, credentials;
  };
  Stored load(const std::string& user_id, const std::string& id);
  nlohmann::json spec_of(const std::string& user_id, const std::string& connector);
  void validate(const nlohmann::json& spec, const nlohmann::json& config, const nlohmann::json& credentials);
  nlohmann::json to_json(const Stored& account) const;
  // What a connector function receives for this account: config, credentials, context and the request.
  nlohmann::json call_json(const Stored& account, const nlohmann::json& request) const;
  std::filesystem::path files_dir(const std::string& id) const;
  // Charges the call to the account's daily quota; the refusal to answer with when it would overspend.
  std::optional<connectors::CallResult> spend_quota(const Stored& account, const std::string& op,
                                                    const nlohmann::json& request);

  db::ConnectionPool& pool_;
  connectors::Connectors& connectors_;
  crypto::SecretBox box_;
  UploadsRef uploads_;
  std::filesystem::path data_dir_;
  std::chrono::milliseconds call_timeout_;
};

}  // namespace scratch::accounts

#include "accounts/account_service.hpp"

#include <pqxx/pqxx>
#include <regex>

#include "auth/user_store.hpp"
#include "connectors/call_errors.hpp"
#include "connectors/json_schema.hpp"
#include "db/transaction.hpp"
#include "http/problem.hpp"
#include "http/validation.hpp"

namespace scratch::accounts {
namespace {

namespace fs = std::filesystem;
using http::ApiError;
using nlohmann::json;

constexpr const char* kColumns =
    "id::text, connector, display_name, config::text, credentials, scratch_iso(created_at), "
    "scratch_iso(updated_at)";

json masked(const json& credentials) {
  json out = json::object();
  for (const auto& [key, value] : credentials.items())
    out[key] = value.is_null() ? json(nullptr) : json("********");
  return out;
}

void add_violations(json& errors, const std::string& prefix, const json& schema, const json& document) {
  for (const auto& v : connectors::validate_against(schema, document)) {
    errors.push_back({{"field", prefix + (v.path == "/" ? "" : v.path)}, {"message", v.message}});
  }
}

}  // namespace

AccountService::AccountService(db::ConnectionPool& pool, connectors::Connectors& connectors,
                               crypto::SecretBox box, UploadsRef uploads, fs::path data_dir,
                               std::chrono::milliseconds call_timeout)
    : pool_(pool),
      connectors_(connectors),
      box_(std::move(box)),
      uploads_(uploads),
      data_dir_(std::move(data_dir)),
      call_timeout_(call_timeout) {}

fs::path AccountService::files_dir(const std::string& id) const {
  return data_dir_ / "accounts" / id;
}

json AccountService::spec_of(const std::string& user_id, const std::string& connector) {
  auto spec = connectors_.spec_for_user(user_id, connector);
  if (!spec)
    throw http::errors::validation("connector", "no connector named '" + connector + "' is installed");
  return *spec;
}

void AccountService::validate(const json& spec, const json& config, const json& credentials) {
  json errors = json::array();
  add_violations(errors, "config", spec.value("config_schema", json::object()), config);
  add_violations(errors, "credentials", spec.value("credentials_schema", json::object()), credentials);
  if (errors.empty()) return;
  std::string detail;
  for (const auto& e : errors) {
    if (!detail.empty()) detail += "; ";
    detail += e["field"].get<std::string>() + ": " + e["message"].get<std::string>();
  }
  throw ApiError(422, "validation_failed", "Request body failed validation", detail).with("errors", errors);
}

json AccountService::to_json(const Stored& a) const {
  return {{"id", a.id},
          {"connector", a.connector},
          {"display_name", a.display_name},
          {"config", a.config},
          {"credentials", masked(a.credentials)},
          {"created_at", a.created_at},
          {"updated_at", a.updated_at}};
}

AccountService::Stored AccountService::load(const std::string& user_id, const std::string& id) {
  if (!auth::is_uuid(id)) throw http::errors::not_found("connector account " + id);
  const auto rows = db::with_read(pool_, [&](pqxx::read_transaction& tx) {
    return tx.exec_params(std::string("SELECT ") + kColumns +
                              " FROM connector_accounts WHERE id = $1::uuid AND user_id = $2::uuid",
                          id, user_id);
  });
  if (rows.empty()) throw http::errors::not_found("connector account " + id);
  const auto& r = rows[0];
  Stored a{r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
           r[5].as<std::string>(), r[6].as<std::string>(), json::parse(r[3].as<std::string>()),
           json::object()};
  const auto opened = box_.open(r[4].as<std::string>(), a.id);
  if (!opened) {
    // Wrong master key or a tampered row: refuse loudly rather than call the source without credentials.
    throw ApiError(500, "credentials_unreadable", "Credentials cannot be decrypted",
                   "this account's credentials do not decrypt with the server's master key");
  }
  a.credentials = json::parse(*opened);
  return a;
}

json AccountService::create(const std::string& user_id, const json& body) {
  http::FieldReader fields(body);
  fields.allow_only({"connector", "display_name", "config", "credentials", "upload_id"});
  const std::string connector = fields.required_string("connector", 1, 64);
  const std::string display_name = fields.required_string("display_name", 1, 200);
  const auto upload_id = fields.optional_string("upload_id", 1, 64);
  const json config = body.value("config", json::object());
  const json credentials = body.value("credentials", json::object());
  if (!config.is_object()) fields.fail("config", "must be an object");
  if (!credentials.is_object()) fields.fail("credentials", "must be an object");
  fields.finish();
  const json spec = spec_of(user_id, connector);
  validate(spec, config, credentials);
  const bool needs_file = spec.contains("source_file");
  if (needs_file && !upload_id)
    throw http::errors::validation("upload_id", "this connector needs an uploaded file");
  if (!needs_file && upload_id) throw http::errors::validation("upload_id", "this connector takes no file");

  const std::string id = db::with_transaction(pool_, [&](pqxx::work& tx) {
    const std::string new_id = tx.exec1("SELECT gen_random_uuid()::text")[0].as<std::string>();
    tx.exec_params(
        "INSERT INTO connector_accounts (id, user_id, connector, display_name, config, credentials) "
        "VALUES ($1::uuid, $2::uuid, $3, $4, $5::jsonb, $6)",
        new_id, user_id, connector, display_name, config.dump(), box_.seal(credentials.dump(), new_id));
    if (upload_id) {
      const std::string extension = spec["source_file"].value("extension", "");
      uploads_.take(user_id, *upload_id, files_dir(new_id) / ("v000001" + extension));
    }
    return new_id;
  });
  fs::create_directories(files_dir(id));
  return to_json(load(user_id, id));
}

json AccountService::list(const std::string& user_id) {
  const auto ids = db::with_read(pool_, [&](pqxx::read_transaction& tx) {
    std::vector<std::string> out;
    for (const auto& r : tx.exec_params(
             "SELECT id::text FROM connector_accounts WHERE user_id = $1::uuid ORDER BY created_at, id",
             user_id)) {
      out.push_back(r[0].as<std::string>());
    }
    return out;
  });
  json items = json::array();
  for (const auto& id : ids)
    items.push_back(to_json(load(user_id, id)));
  return items;
}

json AccountService::get(const std::string& user_id, const std::string& id) {
  return to_json(load(user_id, id));
}

json AccountService::update(const std::string& user_id, const std::string& id, const json& body) {
  Stored a = load(user_id, id);
  http::FieldReader fields(body);
  fields.allow_only({"display_name", "config", "credentials"});
  if (auto name = fields.optional_string("display_name", 1, 200)) a.display_name = *name;
  if (body.contains("config")) {
    if (!body["config"].is_object())
      fields.fail("config", "must be an object");
    else
      a.config = body["config"];
  }
  if (body.contains("credentials")) {
    if (!body["credentials"].is_object())
      fields.fail("credentials", "must be an object");
    else
      a.credentials = body["credentials"];  // replaced whole: masked values are never sent back
  }
  fields.finish();
  validate(spec_of(user_id, a.connector), a.config, a.credentials);
  db::with_transaction(pool_, [&](pqxx::work& tx) {
    tx.exec_params(
        "UPDATE connector_accounts SET display_name = $3, config = $4::jsonb, credentials = $5, updated_at = "
        "now() "
        "WHERE id = $1::uuid AND user_id = $2::uuid",
        id, user_id, a.display_name, a.config.dump(), box_.seal(a.credentials.dump(), id));
  });
  return to_json(load(user_id, id));
}

void AccountService::remove(const std::string& user_id, const std::string& id) {
  if (!auth::is_uuid(id)) throw http::errors::not_found("connector account " + id);
  const bool deleted = db::with_transaction(pool_, [&](pqxx::work& tx) {
    // Snapshot tables keep their source's account (ON DELETE RESTRICT): their records would become orphans.
    const auto used = tx.exec_params(
                            "SELECT count(DISTINCT t.snapshot_id) FROM snapshot_tables t JOIN "
                            "connector_accounts a ON a.id = t.account_id "
                            "WHERE a.id = $1::uuid AND a.user_id = $2::uuid",
                            id, user_id)[0][0]
                          .as<long long>();
    if (used > 0) {
      throw http::ApiError(409, "account_in_use", "Account in use",
                           "tables of " + std::to_string(used) +
                               " snapshot(s) come from this account; remove them from their snapshots first");
    }
    return tx.exec_params("DELETE FROM connector_accounts WHERE id = $1::uuid AND user_id = $2::uuid", id,
                          user_id)
               .affected_rows() == 1;
  });
  if (!deleted) throw http::errors::not_found("connector account " + id);
  std::error_code ec;
  fs::remove_all(files_dir(id), ec);
}

json AccountService::call_json(const Stored& a, const json& request) const {
  return {{"config", a.config},
          {"credentials", a.credentials},
          {"context", {{"account_id", a.id}, {"files_dir", files_dir(a.id).string()}}},
          {"request", request}};
}

connectors::CallResult AccountService::call(const std::string& user_id, const std::string& id,
                                            const std::string& op, const json& request) {
  const Stored a = load(user_id, id);
  if (auto refused = spend_quota(a, op, request)) return *refused;
  return connectors_.call(a.connector, op, call_json(a, request), call_timeout_);
}

connectors::CallResult AccountService::call_raw(const std::string& user_id, const std::string& id,
                                                const std::string& op, const json& request) {
  const Stored a = load(user_id, id);
  if (auto refused = spend_quota(a, op, request)) return *refused;
  return connectors_.call_raw(a.connector, op, call_json(a, request), call_timeout_);
}

std::optional<connectors::CallResult> AccountService::spend_quota(const Stored& account,
                                                                  const std::string& op,
                                                                  const json& request) {
  const auto spec = connectors_.spec(account.connector);
  if (!spec) return std::nullopt;  // the call itself reports the missing connector
  const auto policy = quota_policy(*spec, account.config);
  if (!policy) return std::nullopt;
  // Spent before the call: a call that fails still cost the source's quota, and two calls racing for the
  // last units cannot both pass.
  const double cost = call_cost(*policy, op, request);
  if (try_spend(pool_, account.id, *policy, cost)) return std::nullopt;
  const QuotaUsage usage =
      db::with_read(pool_, [&](pqxx::read_transaction& tx) { return quota_usage(tx, account.id, *policy); });
  return connectors::CallResult{false, quota_error("this " + op + " call", cost, usage, *policy)};
}

std::optional<std::pair<QuotaPolicy, QuotaUsage>> AccountService::quota(const std::string& user_id,
                                                                        const std::string& id) {
  const Stored a = load(user_id, id);
  const auto policy = quota_policy(spec_of(user_id, a.connector), a.config);
  if (!policy) return std::nullopt;
  const QuotaUsage usage =
      db::with_read(pool_, [&](pqxx::read_transaction& tx) { return quota_usage(tx, a.id, *policy); });
  return std::make_pair(*policy, usage);
}

json AccountService::run(const std::string& user_id, const std::string& id, const std::string& op,
                         const json& request) {
  const Stored a = load(user_id, id);
  auto result = call(user_id, id, op, request);
  if (!result.ok) throw connectors::call_error(a.connector, op, result);
  return result.value;
}

json AccountService::list_files(const std::string& user_id, const std::string& id) {
  load(user_id, id);
  json items = json::array();
  std::vector<fs::directory_entry> entries;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(files_dir(id), ec)) {
    if (e.is_regular_file()) entries.push_back(e);
  }
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.path() < b.path(); });
  for (const auto& e : entries) {
    items.push_back({{"name", e.path().filename().string()}, {"size_bytes", e.file_size()}});
  }
  return items;
}

fs::path AccountService::file_path(const std::string& user_id, const std::string& id,
                                   const std::string& name) {
  load(user_id, id);
  static const std::regex safe("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$");
  const fs::path path = files_dir(id) / name;
  if (!std::regex_match(name, safe) || !fs::is_regular_file(path))
    throw http::errors::not_found("file " + name);
  return path;
}

}  // namespace scratch::accounts

#include "custom_connectors/custom_connector_store.hpp"

#include <pqxx/pqxx>

#include "db/transaction.hpp"

namespace scratch::custom_connectors {
namespace {

using nlohmann::json;

constexpr const char* kConnectorColumns =
    "c.id::text, c.user_id::text, c.name, scratch_iso(c.created_at), scratch_iso(c.updated_at), "
    "(SELECT coalesce(max(v.version), 0) FROM custom_connector_versions v WHERE v.connector_id = c.id)";

ConnectorRow connector_row(const pqxx::row& r) {
  return {r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
          r[3].as<std::string>(), r[4].as<std::string>(), r[5].as<int>()};
}

json json_or_null(const pqxx::field& f) {
  return f.is_null() ? json(nullptr) : json::parse(f.as<std::string>());
}

bool unique_violation(const pqxx::sql_error& e) {
  return e.sqlstate() == "23505";
}

}  // namespace

std::optional<ConnectorRow> CustomConnectorStore::create(const std::string& user_id, const std::string& name,
                                                         const std::string& script, const json& spec,
                                                         const json& validation) {
  try {
    const std::string id = db::with_transaction(pool_, [&](pqxx::work& tx) {
      const std::string new_id =
          tx.exec_params1(
                "INSERT INTO custom_connectors (user_id, name) VALUES ($1::uuid, $2) RETURNING id::text",
                user_id, name)[0]
              .as<std::string>();
      tx.exec_params(
          "INSERT INTO custom_connector_versions (connector_id, version, script, spec, validation) "
          "VALUES ($1::uuid, 1, $2, $3::jsonb, $4::jsonb)",
          new_id, script, spec.is_null() ? std::optional<std::string>() : spec.dump(), validation.dump());
      return new_id;
    });
    return get(user_id, id);
  } catch (const pqxx::sql_error& e) {
    if (unique_violation(e)) return std::nullopt;
    throw;
  }
}

std::optional<VersionRow> CustomConnectorStore::add_version(const std::string& user_id, const std::string& id,
                                                            const std::string& script, const json& spec,
                                                            const json& validation) {
  const int version = db::with_transaction(pool_, [&](pqxx::work& tx) {
    // The row lock orders concurrent saves of one connector, so each gets its own next number.
    const auto owner = tx.exec_params(
        "SELECT id FROM custom_connectors WHERE id = $1::uuid AND user_id = $2::uuid FOR UPDATE", id,
        user_id);
    if (owner.empty()) return 0;
    const int next = tx.exec_params1(
                           "SELECT coalesce(max(version), 0) + 1 FROM custom_connector_versions "
                           "WHERE connector_id = $1::uuid",
                           id)[0]
                         .as<int>();
    tx.exec_params(
        "INSERT INTO custom_connector_versions (connector_id, version, script, spec, validation) "
        "VALUES ($1::uuid, $2, $3, $4::jsonb, $5::jsonb)",
        id, next, script, spec.is_null() ? std::optional<std::string>() : spec.dump(), validation.dump());
    tx.exec_params("UPDATE custom_connectors SET updated_at = now() WHERE id = $1::uuid", id);
    return next;
  });
  if (version == 0) return std::nullopt;
  return this->version(id, version);
}

std::vector<ConnectorRow> CustomConnectorStore::list(const std::string& user_id) {
  return db::with_read(pool_, [&](pqxx::read_transaction& tx) {
    std::vector<ConnectorRow> out;
    for (const auto& r : tx.exec_params(std::string("SELECT ") + kConnectorColumns +
                                            " FROM custom_connectors c WHERE c.user_id = $1::uuid "
                                            "ORDER BY c.created_at, c.id",
                                        user_id))
      out.push_back(connector_row(r));
    return out;
  });
}

std::optional<ConnectorRow> CustomConnectorStore::get(const std::string& user_id, const std::string& id) {
  return db::with_read(pool_, [&](pqxx::read_transaction& tx) -> std::optional<ConnectorRow> {
    const auto rows =
        tx.exec_params(std::string("SELECT ") + kConnectorColumns +
                           " FROM custom_connectors c WHERE c.id = $1::uuid AND c.user_id = $2::uuid",
                       id, user_id);
    if (rows.empty()) return std::nullopt;
    return connector_row(rows[0]);
  });
}

bool CustomConnectorStore::rename(const std::string& user_id, const std::string& id,
                                  const std::string& name) {
  try {
    return db::with_transaction(pool_, [&](pqxx::work& tx) {
      return tx.exec_params(
                   "UPDATE custom_connectors SET name = $3, updated_at = now() "
                   "WHERE id = $1::uuid AND user_id = $2::uuid",
                   id, user_id, name)
                 .affected_rows() == 1;
    });
  } catch (const pqxx::sql_error& e) {
    if (unique_violation(e)) throw NameTaken{};
    throw;
  }
}

std::vector<std::string> CustomConnectorStore::accounts_using(const std::string& user_id,
                                                              const std::string& id) {
  return db::with_read(pool_, [&](pqxx::read_transaction& tx) {
    std::vector<std::string> out;
    // Accounts name a version as custom:<id>@<n>; only the owner can have created them.
    for (const auto& r : tx.exec_params(
             "SELECT id::text FROM connector_accounts WHERE user_id = $1::uuid AND connector LIKE $2 "
             "ORDER BY created_at",
             user_id, "custom:" + id + "@%"))
      out.push_back(r[0].as<std::string>());
    return out;
  });
}

bool CustomConnectorStore::remove(const std::string& user_id, const std::string& id) {
  return db::with_transaction(pool_, [&](pqxx::work& tx) {
    return tx.exec_params("DELETE FROM custom_connectors WHERE id = $1::uuid AND user_id = $2::uuid", id,
                          user_id)
               .affected_rows() == 1;
  });
}

std::vector<VersionRow> CustomConnectorStore::versions(const std::string& user_id, const std::string& id) {
  return db::with_read(pool_, [&](pqxx::read_transaction& tx) {
    std::vector<VersionRow> out;
    for (const auto& r : tx.exec_params(
             "SELECT v.version, v.spec::text, v.validation::text, scratch_iso(v.created_at), c.name "
             "FROM custom_connector_versions v JOIN custom_connectors c ON c.id = v.connector_id "
             "WHERE c.id = $1::uuid AND c.user_id = $2::uuid ORDER BY v.version",
             id, user_id)) {
      VersionRow v;
      v.connector_id = id;
      v.user_id = user_id;
      v.connector_name = r[4].as<std::string>();
      v.version = r[0].as<int>();
      v.spec = json_or_null(r[1]);
      v.validation = json_or_null(r[2]);
      v.created_at = r[3].as<std::string>();
      out.push_back(std::move(v));
    }
    return out;
  });
}

std::optional<VersionRow> CustomConnectorStore::version(const std::string& id, int version) {
  return db::with_read(pool_, [&](pqxx::read_transaction& tx) -> std::optional<VersionRow> {
    const auto rows = tx.exec_params(
        "SELECT c.user_id::text, c.name, v.script, v.spec::text, v.validation::text, "
        "scratch_iso(v.created_at) "
        "FROM custom_connector_versions v JOIN custom_connectors c ON c.id = v.connector_id "
        "WHERE c.id = $1::uuid AND v.version = $2",
        id, version);
    if (rows.empty()) return std::nullopt;
    const auto& r = rows[0];
    VersionRow v;
    v.connector_id = id;
    v.user_id = r[0].as<std::string>();
    v.connector_name = r[1].as<std::string>();
    v.version = version;
    v.script = r[2].as<std::string>();
    v.spec = json_or_null(r[3]);
    v.validation = json_or_null(r[4]);
    v.created_at = r[5].as<std::string>();
    return v;
  });
}

}  // namespace scratch::custom_connectors

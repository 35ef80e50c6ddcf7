#include "snapshots/snapshot_service.hpp"

#include <cctype>
#include <optional>

#include "snapshots/record_filter.hpp"
#include "snapshots/snapshot_events.hpp"
#include "snapshots/table_info.hpp"

#include <pqxx/pqxx>

#include "auth/user_store.hpp"
#include "db/transaction.hpp"
#include "http/problem.hpp"
#include "snapshots/record_partitions.hpp"
#include "snapshots/snapshot_events.hpp"
#include "snapshots/table_info.hpp"

namespace scratch::snapshots {
namespace {

using nlohmann::json;

json nullable(const pqxx::field& f) {
  return f.is_null() ? json(nullptr) : json(f.as<std::string>());
}

// Counts come from small partial indexes (dirty, pending) or the maintained record_count: never a full count.
constexpr const char* kTableSelect =
    "SELECT t.id::text, t.snapshot_id::text, t.account_id::text, a.connector, t.remote_table, t.name, "
    "  t.read_only, t.fields::text, t.record_count, "
    "  (SELECT count(*) FROM records r WHERE r.table_id = t.id AND r.dirty), "
    "  (SELECT count(*) FROM records r WHERE r.table_id = t.id AND r.pending), "
    "  (SELECT count(*) FROM records r WHERE r.table_id = t.id AND r.dirty AND r.conflicts <> '{}'), "
    "  scratch_iso(t.last_download_at), scratch_iso(t.last_publish_at), scratch_iso(t.created_at), "
    "  t.download_state IS NOT NULL, t.view_filter::text, t.scratch_fields::text "
    "FROM snapshot_tables t JOIN connector_accounts a ON a.id = t.account_id ";

json table_json(const pqxx::row& r) {
  json fields = json::parse(r[7].as<std::string>());
  for (auto f : json::parse(r[17].as<std::string>())) {
    f["scratch"] = true;  // local only: never published
    fields.push_back(std::move(f));
  }
  return {{"id", r[0].as<std::string>()},
          {"snapshot_id", r[1].as<std::string>()},
          {"account_id", r[2].as<std::string>()},
          {"connector", r[3].as<std::string>()},
          {"remote_table", r[4].as<std::string>()},
          {"name", r[5].as<std::string>()},
          {"read_only", r[6].as<bool>()},
          {"fields", std::move(fields)},
          {"record_count", r[8].as<long long>()},
          {"dirty_count", r[9].as<long long>()},
          {"pending_count", r[10].as<long long>()},
          {"conflict_count", r[11].as<long long>()},
          {"last_download_at", nullable(r[12])},
          {"last_publish_at", nullable(r[13])},
          {"created_at", r[14].as<std::string>()},
          {"download_incomplete", r[15].as<bool>()},
          {"view_filter", r[16].is_null() ? json(nullptr) : json::parse(r[16].as<std::string>())}};
}

json tables_of(pqxx::transaction_base& tx, const std::string& snapshot_id) {
  json items = json::array();
  for (const auto& row : tx.exec_params(
           std::string(kTableSelect) + "WHERE t.snapshot_id = $1::uuid ORDER BY t.created_at, t.id",
           snapshot_id))
    items.push_back(table_json(row));
  return items;
}

json snapshot_json(pqxx::transaction_base& tx, const pqxx::row& r) {
  const std::string id = r[0].as<std::string>();
  return {{"id", id},
          {"name", r[1].as<std::string>()},
          {"created_at", r[2].as<std::string>()},
          {"updated_at", r[3].as<std::string>()},
          {"tables", tables_of(tx, id)}};
}

constexpr const char* kSnapshotColumns = "id::text, name, scratch_iso(created_at), scratch_iso(updated_at)";

}  // namespace

json SnapshotService::create(const std::string& user_id, const std::string& name) {
  return db::with_transaction(pool_, [&](pqxx::work& tx) {
    const auto row =
        tx.exec_params1(std::string("INSERT INTO snapshots (user_id, name) VALUES ($1::uuid, $2) "
                                    "RETURNING ") +
                            kSnapshotColumns,
                        user_id, name);
    return snapshot_json(tx, row);
  });
}

json SnapshotService::list(const std::string& user_id) {
  return db::with_read(pool_, [&](pqxx::read_transaction& tx) {
    json items = json::array();
    for (const auto& row : tx.exec_params(std::string("SELECT ") + kSnapshotColumns +
                                              " FROM snapshots WHERE user_id = $1::uuid "
                                              "ORDER BY created_at DESC, id",
                                          user_id))
      items.push_back(snapshot_json(tx, row));
    return json{{"items", items}};
  });
}

json SnapshotService::get(const std::string& user_id, const std::string& id) {
  return db::with_read(pool_, [&](pqxx::read_transaction& tx) {
    const auto rows = tx.exec_params(std::string("SELECT ") + kSnapshotColumns +
                                         " FROM snapshots WHERE id = $1::uuid AND user_id = $2::uuid",
                                     id, user_id);
    if (rows.empty()) throw http::errors::not_found("snapshot " + id);
    return snapshot_json(tx, rows[0]);
  });
}

json SnapshotService::rename(const std::string& user_id, const std::string& id, const std::string& name) {
  return db::with_transaction(pool_, [&](pqxx::work& tx) {
    const auto rows = tx.exec_params(std::string("UPDATE snapshots SET name = $3, updated_at = now() "
                                                 "WHERE id = $1::uuid AND user_id = $2::uuid RETURNING ") +
                                         kSnapshotColumns,
                                     id, user_id, name);
    if (rows.empty()) throw http::errors::not_found("snapshot " + id);
    snapshot_event(tx, user_id, id, "snapshot.changed", {{"name", name}});
    return snapshot_json(tx, rows[0]);
  });
}

void SnapshotService::remove(const std::string& user_id, const std::string& id) {
  db::with_transaction(pool_, [&](pqxx::work& tx) {
    // Each table's records partition goes in one statement; a running job of the snapshot finds nothing left.
    for (const auto& t : tx.exec_params("SELECT t.id::text FROM snapshot_tables t JOIN snapshots s ON s.id = "
                                        "t.snapshot_id WHERE s.id = $1::uuid AND s.user_id = $2::uuid",
                                        id, user_id))
      drop_partition(tx, t[0].as<std::string>());
    const auto rows =
        tx.exec_params("DELETE FROM snapshots WHERE id = $1::uuid AND user_id = $2::uuid", id, user_id);
    if (rows.affected_rows() == 0) throw http::errors::not_found("snapshot " + id);
    tx.exec_params(
        "UPDATE jobs SET cancel_requested = true WHERE user_id = $1::uuid AND state IN ('queued', 'running') "
        "AND type IN ('snapshot.download', 'snapshot.publish') AND payload->>'snapshot_id' = $2",
        user_id, id);
    snapshot_event(tx, user_id, id, "snapshot.deleted", json::object());
    return 0;
  });
}

json SnapshotService::add_table(const std::string& user_id, const std::string& snapshot_id,
                                const std::string& account_id, const std::string& remote_table) {
  if (!auth::is_uuid(account_id)) throw http::errors::not_found("connector account " + account_id);
  accounts_.get(user_id, account_id);  // 404 unless it is the caller's
  const json listing = accounts_.run(user_id, account_id, "list_tables");
  json table = nullptr;
  for (const auto& t : listing.value("tables", json::array()))
    if (t.value("id", "") == remote_table) table = t;
  if (table.is_null()) {
    throw http::ApiError(422, "unknown_table", "Unknown table",
                         "the account has no table '" + remote_table +
                             "'; list them with GET "
                             "/api/v1/connector-accounts/" +
                             account_id + "/tables")
        .with("errors", json::array({{{"field", "table"}, {"message", "no such table"}}}));
  }
  return db::with_transaction(pool_, [&](pqxx::work& tx) {
    const auto inserted = tx.exec_params(
        "INSERT INTO snapshot_tables (snapshot_id, account_id, remote_table, name, fields, read_only) "
        "SELECT s.id, $3::uuid, $4, $5, $6::jsonb, $7 FROM snapshots s "
        "WHERE s.id = $1::uuid AND s.user_id = $2::uuid "
        "ON CONFLICT (snapshot_id, account_id, remote_table) DO NOTHING RETURNING id::text",
        snapshot_id, user_id, account_id, remote_table, table.value("name", remote_table),
        table.value("fields", json::array()).dump(), table.value("read_only", false));
    if (inserted.empty()) {
      throw http::ApiError(409, "table_already_added", "Table already added",
                           "this snapshot already has table '" + remote_table + "' of that account");
    }
    const std::string id = inserted[0][0].as<std::string>();
    create_partition(tx, id);
    tx.exec_params("UPDATE snapshots SET updated_at = now() WHERE id = $1::uuid", snapshot_id);
    snapshot_event(tx, user_id, snapshot_id, "table.changed", {{"table_id", id}, {"change", "added"}});
    return table_json(tx.exec_params1(std::string(kTableSelect) + "WHERE t.id = $1::uuid", id));
  });
}

json SnapshotService::list_tables(const std::string& snapshot_id) {
  return db::with_read(pool_, [&](pqxx::read_transaction& tx) {
    return json{{"items", tables_of(tx, snapshot_id)}};
  });
}

json SnapshotService::get_table(const std::string& snapshot_id, const std::string& table_id) {
  return db::with_read(pool_, [&](pqxx::read_transaction& tx) {
    load_table(tx, snapshot_id, table_id);
    return table_json(tx.exec_params1(std::string(kTableSelect) + "WHERE t.id = $1::uuid", table_id));
  });
}

void SnapshotService::remove_table(const std::string& user_id, const std::string& snapshot_id,
                                   const std::string& table_id) {
  db::with_transaction(pool_, [&](pqxx::work& tx) {
    load_table(tx, snapshot_id, table_id);
    drop_partition(tx, table_id);
    tx.exec_params("DELETE FROM snapshot_tables WHERE id = $1::uuid", table_id);
    snapshot_event(tx, user_id, snapshot_id, "table.changed",
                   {{"table_id", table_id}, {"change", "removed"}});
    return 0;
  });
}

json SnapshotService::set_view_filter(const std::string& user_id, const std::string& snapshot_id,
                                      const std::string& table_id, const json& filter) {
  return db::with_transaction(pool_, [&](pqxx::work& tx) {
    const TableInfo table = load_table(tx, snapshot_id, table_id);
    if (!filter.is_null()) {
      const Quote quote = [&tx](const std::string& text) { return tx.quote(text); };
      compile_filter(filter, table, quote);  // 400 invalid_filter naming what is wrong
    }
    tx.exec_params(
        "UPDATE snapshot_tables SET view_filter = $2::jsonb WHERE id = $1::uuid", table_id,
        filter.is_null() ? std::optional<std::string>() : std::optional<std::string>(filter.dump()));
    snapshot_event(tx, user_id, snapshot_id, "table.changed",
                   {{"table_id", table_id}, {"change", "view_filter"}, {"view_filter", filter}});
    return json{{"table_id", table_id}, {"view_filter", filter}};
  });
}

json SnapshotService::add_scratch_field(const std::string& user_id, const std::string& snapshot_id,
                                        const std::string& table_id, const std::string& name,
                                        const std::string& type) {
  return db::with_transaction(pool_, [&](pqxx::work& tx) {
    const TableInfo table = load_table(tx, snapshot_id, table_id);
    // An id that cannot collide with a source field, now or after the source adds one.
    std::string id = "scratch_";
    for (const char c : name)
      id += std::isalnum(static_cast<unsigned char>(c))
                ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
                : '_';
    const std::string base = id;
    for (int n = 2; table.field(id); ++n)
      id = base + "_" + std::to_string(n);
    const json field = {{"id", id}, {"name", name}, {"type", type}, {"read_only", false}};
    tx.exec_params(
        "UPDATE snapshot_tables SET scratch_fields = scratch_fields || $2::jsonb WHERE id = $1::uuid",
        table_id, json::array({field}).dump());
    snapshot_event(tx, user_id, snapshot_id, "table.changed",
                   {{"table_id", table_id}, {"change", "fields"}, {"added", id}});
    json out = field;
    out["scratch"] = true;
    return out;
  });
}

void SnapshotService::remove_scratch_field(const std::string& user_id, const std::string& snapshot_id,
                                           const std::string& table_id, const std::string& field_id) {
  db::with_transaction(pool_, [&](pqxx::work& tx) {
    const TableInfo table = load_table(tx, snapshot_id, table_id);
    if (!table.is_scratch(field_id)) {
      if (table.field(field_id))
        throw http::ApiError(
            409, "not_a_scratch_column", "Not a scratch column",
            "field '" + field_id + "' comes from the source; only scratch columns can be removed");
      throw http::errors::not_found("field " + field_id);
    }
    tx.exec_params(
        "UPDATE snapshot_tables SET scratch_fields = (SELECT COALESCE(jsonb_agg(f), '[]') FROM "
        "jsonb_array_elements(scratch_fields) f WHERE f->>'id' <> $2) WHERE id = $1::uuid",
        table_id, field_id);
    // Its values, edits and suggestions go with it.
    tx.exec_params(
        "UPDATE records SET vals = vals - $2, original = original - $2, suggestions = suggestions - $2, "
        "seq = nextval('record_seq') WHERE table_id = $1::uuid AND (vals ? $2 OR original ? $2 OR "
        "suggestions ? $2)",
        table_id, field_id);
    snapshot_event(tx, user_id, snapshot_id, "table.changed",
                   {{"table_id", table_id}, {"change", "fields"}, {"removed", field_id}});
    return 0;
  });
}

}  // namespace scratch::snapshots

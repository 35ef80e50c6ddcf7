#include "snapshots/suggestion_service.hpp"

#include <map>
#include <pqxx/pqxx>

#include "auth/user_store.hpp"
#include "crypto/encoding.hpp"
#include "db/transaction.hpp"
#include "http/problem.hpp"
#include "snapshots/field_values.hpp"
#include "snapshots/record_filter.hpp"
#include "snapshots/record_partitions.hpp"
#include "snapshots/record_reader.hpp"
#include "snapshots/record_writer.hpp"
#include "snapshots/snapshot_events.hpp"
#include "snapshots/table_info.hpp"

namespace scratch::snapshots {
namespace {

using nlohmann::json;

long long record_id_of(const json& v) {
  if (v.is_number_integer()) return v.get<long long>();
  if (v.is_string()) return parse_record_id(v.get<std::string>());
  throw http::errors::validation("record_id", "must be a record id");
}

// Applies accept or reject to the pending suggestions of the records matching `where` in one table.
// `fields`: only these fields' suggestions (null: all of them, including create and delete suggestions).
long long decide_where(pqxx::work& tx, const std::string& table_id, const std::string& where,
                       const json& fields, bool accept, std::vector<long long>& changed) {
  const std::string t = tx.quote(table_id);
  const std::string scope = "r.table_id = " + t + "::uuid AND r.pending AND (" + where + ")";
  std::string picked = "r.suggestions";  // the suggestions being decided, as jsonb
  std::string keys_removed = "r.suggestions - ARRAY(SELECT jsonb_object_keys(r.suggestions))";
  if (!fields.is_null()) {
    const std::string list = tx.quote(fields.dump()) + "::jsonb";
    picked =
        "(SELECT COALESCE(jsonb_object_agg(key, value), '{}') FROM jsonb_each(r.suggestions) WHERE key IN "
        "(SELECT jsonb_array_elements_text(" +
        list + ")))";
    keys_removed = "r.suggestions - ARRAY(SELECT jsonb_array_elements_text(" + list + "))";
  }
  const bool whole = fields.is_null();
  long long n = 0;
  if (accept) {
    // A suggestion for a field in conflict would silently pick a side: the owner resolves the conflict first.
    const auto blocked = tx.exec("SELECT r.id, k FROM records r, jsonb_object_keys(" + picked + ") k WHERE " +
                                 scope + " AND r.conflicts ? k LIMIT 1");
    if (!blocked.empty())
      throw http::ApiError(
          409, "field_in_conflict", "Field in conflict",
          "record " + std::to_string(blocked[0][0].as<long long>()) + ": field '" +
              blocked[0][1].as<std::string>() +
              "' has a conflict with the source; resolve it before accepting suggestions for it");
    // Values become edits (a suggested create's values are simply its values); a suggested create becomes a
    // local create and a suggested deletion a tombstone.
    for (const auto& row :
         tx.exec("UPDATE records r SET (vals, original) = (SELECT e -> 'vals', e -> 'original' FROM "
                 "scratch_apply_edits(r.created, r.vals, r.original, " +
                 picked +
                 ") e), "
                 "suggestions = " +
                 keys_removed + ", " +
                 (whole ? "deleted = r.deleted OR r.suggest_delete, suggest_delete = false, suggested_create "
                          "= false, "
                        : "") +
                 "seq = nextval('record_seq'), updated_at = now() WHERE " + scope + " RETURNING r.id"))
      changed.push_back(row[0].as<long long>());
    n = static_cast<long long>(changed.size());
    // An accepted deletion of a record never published: nothing to delete at the source.
    tx.exec(purge_sql(t, "r.deleted AND r.created"));
  } else {
    if (whole) {
      for (const auto& row : tx.exec(purge_sql(t, "r.suggested_create AND r.pending AND (" + where + ")")))
        changed.push_back(row[0].as<long long>());
    }
    for (const auto& row :
         tx.exec("UPDATE records r SET suggestions = " + keys_removed + ", " +
                 (whole ? "suggest_delete = false, " : "") +
                 "seq = nextval('record_seq'), updated_at = now() WHERE " + scope + " RETURNING r.id"))
      changed.push_back(row[0].as<long long>());
    n = static_cast<long long>(changed.size());
  }
  return n;
}

}  // namespace

json SuggestionService::suggest(const std::string& user_id, const std::string& snapshot_id,
                                const json& body) {
  const std::string table_id = body.value("table_id", std::string());
  return db::with_transaction(pool_, [&](pqxx::work& tx) {
    const TableInfo table = load_table(tx, snapshot_id, table_id);
    if (table.read_only)
      throw http::ApiError(409, "table_read_only", "Table is read-only",
                           "the source does not allow writes to it");
    std::vector<long long> changed;
    long long updated = 0, deleted = 0;
    json created = json::array();
    for (const auto& u : body.value("updates", json::array())) {
      const long long id = record_id_of(u.value("record_id", json()));
      const json values = u.value("values", json::object());
      validate_values(table, values, "updates.values");
      const auto rows = tx.exec_params(
          "SELECT deleted, conflicts::text FROM records WHERE table_id = $1::uuid "
          "AND id = $2 FOR UPDATE",
          table_id, id);
      if (rows.empty()) throw http::errors::not_found("record " + std::to_string(id));
      if (rows[0][0].as<bool>())
        throw http::ApiError(409, "record_deleted", "Record is deleted",
                             "record " + std::to_string(id) + " is deleted");
      const json conflicts = json::parse(rows[0][1].c_str());
      for (const auto& [k, v] : values.items())
        if (conflicts.contains(k))
          throw http::ApiError(409, "field_in_conflict", "Field in conflict",
                               "record " + std::to_string(id) + ": field '" + k +
                                   "' has a conflict with the source; the owner resolves it first");
      tx.exec_params(
          "UPDATE records SET suggestions = suggestions || $3::jsonb, suggested_at = now(), "
          "seq = nextval('record_seq'), updated_at = now() WHERE table_id = $1::uuid AND id = $2",
          table_id, id, values.dump());
      changed.push_back(id);
      ++updated;
    }
    for (const auto& c : body.value("creates", json::array())) {
      const json values = c.value("values", json::object());
      validate_values(table, values, "creates.values");
      attach_partition(tx, table_id);
      const long long id = tx.exec_params1(
                                 "INSERT INTO records (table_id, vals, suggestions, created, "
                                 "suggested_create, suggested_at) VALUES ($1::uuid, '{}', $2::jsonb, "
                                 "true, true, now()) RETURNING id",
                                 table_id, values.dump())[0]
                               .as<long long>();
      tx.exec_params("UPDATE snapshot_tables SET record_count = record_count + 1 WHERE id = $1::uuid",
                     table_id);
      created.push_back(std::to_string(id));
      changed.push_back(id);
    }
    for (const auto& d : body.value("deletes", json::array())) {
      const long long id = record_id_of(d);
      const auto rows = tx.exec_params(
          "SELECT deleted FROM records WHERE table_id = $1::uuid AND id = $2 FOR UPDATE", table_id, id);
      if (rows.empty()) throw http::errors::not_found("record " + std::to_string(id));
      if (rows[0][0].as<bool>())
        throw http::ApiError(409, "record_deleted", "Record is deleted",
                             "record " + std::to_string(id) + " is deleted");
      tx.exec_params(
          "UPDATE records SET suggest_delete = true, suggested_at = now(), seq = nextval('record_seq'), "
          "updated_at = now() WHERE table_id = $1::uuid AND id = $2",
          table_id, id);
      changed.push_back(id);
      ++deleted;
    }
    records_changed(tx, user_id, snapshot_id, table_id, changed, static_cast<long long>(changed.size()),
                    "suggestion");
    return json{{"updated", updated}, {"created", created}, {"deleted", deleted}};
  });
}

json SuggestionService::list(const std::string& snapshot_id, const std::string& table_id, int limit,
                             const std::string& cursor) {
  return db::with_read(pool_, [&](pqxx::read_transaction& tx) {
    std::vector<TableInfo> tables = table_id.empty()
                                        ? load_tables(tx, snapshot_id)
                                        : std::vector<TableInfo>{load_table(tx, snapshot_id, table_id)};
    // Cursor: "<table index>:<record id>" over the snapshot's tables in order.
    std::size_t start_table = 0;
    long long after = 0;
    if (!cursor.empty()) {
      const auto colon = cursor.find(':');
      try {
        if (colon == std::string::npos) throw std::invalid_argument("cursor");
        start_table = std::stoul(cursor.substr(0, colon));
        after = std::stoll(cursor.substr(colon + 1));
      } catch (const std::exception&) {
        throw http::ApiError(400, "invalid_cursor", "Invalid cursor",
                             "use next_cursor from the previous page");
      }
    }
    json items = json::array();
    json next = nullptr;
    for (std::size_t ti = start_table; ti < tables.size() && next.is_null(); ++ti) {
      const auto& table = tables[ti];
      const auto rows = tx.exec_params(
          "SELECT id, vals::text, suggestions::text, suggest_delete, suggested_create, "
          "scratch_iso(suggested_at) "
          "FROM records WHERE table_id = $1::uuid AND pending AND id > $2 ORDER BY id LIMIT $3",
          table.id, ti == start_table ? after : 0, limit - static_cast<int>(items.size()));
      for (const auto& row : rows) {
        const json vals = json::parse(row[1].c_str());
        const json suggestions = json::parse(row[2].c_str());
        json values = json::object();
        for (const auto& [k, v] : suggestions.items())
          values[k] = {{"current", row[4].as<bool>() ? json(nullptr) : vals.value(k, json())},
                       {"suggested", v}};
        const char* kind = row[4].as<bool>() ? "create" : row[3].as<bool>() ? "delete" : "update";
        const std::string id = std::to_string(row[0].as<long long>());
        items.push_back(
            {{"table_id", table.id},
             {"record_id", id},
             {"kind", kind},
             {"values", values},
             {"suggested_at", row[5].is_null() ? json(nullptr) : json(row[5].as<std::string>())}});
        // A full page may be followed by more (the next page can come back empty).
        if (static_cast<int>(items.size()) == limit) next = std::to_string(ti) + ":" + id;
      }
    }
    return json{{"items", items}, {"next_cursor", next}};
  });
}

json SuggestionService::accept(const std::string& user_id, const std::string& snapshot_id, const json& body) {
  return decide(user_id, snapshot_id, body, true);
}

json SuggestionService::reject(const std::string& user_id, const std::string& snapshot_id, const json& body) {
  return decide(user_id, snapshot_id, body, false);
}

json SuggestionService::decide(const std::string& user_id, const std::string& snapshot_id, const json& body,
                               bool accept) {
  return db::with_transaction(pool_, [&](pqxx::work& tx) {
    long long n = 0;
    auto finish = [&](const TableInfo& table, const std::vector<long long>& changed) {
      records_changed(tx, user_id, snapshot_id, table.id, changed, static_cast<long long>(changed.size()),
                      "suggestion");
    };
    if (body.contains("items")) {
      if (!body["items"].is_array()) throw http::errors::validation("items", "must be an array");
      std::map<std::string, std::vector<long long>> changed_by_table;
      for (const auto& item : body["items"]) {
        const TableInfo table = load_table(tx, snapshot_id, item.value("table_id", std::string()));
        const long long id = record_id_of(item.value("record_id", json()));
        const json fields = item.contains("fields") ? item["fields"] : json(nullptr);
        if (!fields.is_null() && !fields.is_array())
          throw http::errors::validation("items.fields", "must be an array");
        n += decide_where(tx, table.id, "r.id = " + std::to_string(id), fields, accept,
                          changed_by_table[table.id]);
      }
      for (const auto& [tid, changed] : changed_by_table)
        finish(load_table(tx, snapshot_id, tid), changed);
    } else if (body.contains("table_id")) {
      const TableInfo table = load_table(tx, snapshot_id, body["table_id"].get<std::string>());
      const Quote quote = [&tx](const std::string& s) { return tx.quote(s); };
      std::vector<long long> changed;
      n += decide_where(tx, table.id, compile_filter(body.value("filter", json()), table, quote), nullptr,
                        accept, changed);
      finish(table, changed);
    } else if (body.value("all", false)) {
      for (const auto& table : load_tables(tx, snapshot_id)) {
        std::vector<long long> changed;
        n += decide_where(tx, table.id, "TRUE", nullptr, accept, changed);
        finish(table, changed);
      }
    } else {
      throw http::errors::validation("items", "send {items: [...]}, {table_id, filter} or {all: true}");
    }
    return json{{accept ? "accepted" : "rejected", n}};
  });
}

}  // namespace scratch::snapshots

#include "snapshots/record_writer.hpp"

#include <pqxx/pqxx>

#include "db/transaction.hpp"
#include "http/problem.hpp"
#include "snapshots/field_values.hpp"
#include "snapshots/record_filter.hpp"
#include "snapshots/record_partitions.hpp"
#include "snapshots/record_reader.hpp"
#include "snapshots/record_view.hpp"
#include "snapshots/snapshot_events.hpp"
#include "snapshots/table_info.hpp"

namespace scratch::snapshots {
namespace {

using nlohmann::json;

struct Locked {
  bool created = false;
  bool deleted = false;
  bool suggested_create = false;
  json vals;
  json original;
};

Locked lock_record(pqxx::work& tx, const std::string& table_id, long long id, const std::string& text_id) {
  const auto rows = tx.exec_params(
      "SELECT created, deleted, suggested_create, vals::text, original::text FROM records "
      "WHERE table_id = $1::uuid AND id = $2 FOR UPDATE",
      table_id, id);
  if (rows.empty()) throw http::errors::not_found("record " + text_id);
  return {rows[0][0].as<bool>(), rows[0][1].as<bool>(), rows[0][2].as<bool>(),
          json::parse(rows[0][3].c_str()), json::parse(rows[0][4].c_str())};
}

json fetch(pqxx::work& tx, const std::string& table_id, long long id) {
  const Quote quote = [&tx](const std::string& s) { return tx.quote(s); };
  return json::parse(tx.exec_params1("SELECT " + record_json_sql({}, quote) +
                                         " FROM records r WHERE r.table_id = $1::uuid AND r.id = $2",
                                     table_id, id)[0]
                         .c_str());
}

void require_editable_table(const TableInfo& table) {
  if (table.read_only)
    throw http::ApiError(409, "table_read_only", "Table is read-only",
                         "the source does not allow writes to it");
}

// The update applying `edits_sql` (a jsonb expression) to the records matched by `where`, via
// scratch_apply_edits; returns the ids changed.
std::vector<long long> apply_edits_where(pqxx::work& tx, const std::string& table_id,
                                         const std::string& where, const std::string& edits_sql) {
  std::vector<long long> ids;
  for (const auto& row :
       tx.exec("UPDATE records r SET (vals, original) = (SELECT e -> 'vals', e -> 'original' FROM "
               "scratch_apply_edits(r.created, r.vals, r.original, " +
               edits_sql +
               ") e), "
               "seq = nextval('record_seq'), updated_at = now() "
               "WHERE r.table_id = " +
               tx.quote(table_id) + "::uuid AND " + where + " RETURNING r.id"))
    ids.push_back(row[0].as<long long>());
  return ids;
}

}  // namespace

std::string purge_sql(const std::string& table_id_literal, const std::string& where) {
  return "WITH gone AS (DELETE FROM records r WHERE r.table_id = " + table_id_literal + "::uuid AND " +
         where +
         " RETURNING r.id, r.remote_id), "
         "tomb AS (INSERT INTO record_tombstones (table_id, record_id, remote_id) "
         "  SELECT " +
         table_id_literal +
         "::uuid, id, remote_id FROM gone RETURNING record_id), "
         "counted AS (UPDATE snapshot_tables SET record_count = record_count - (SELECT count(*) FROM tomb) "
         "  WHERE id = " +
         table_id_literal +
         "::uuid) "
         "SELECT record_id FROM tomb";
}

json RecordWriter::edit(const std::string& user_id, const std::string& snapshot_id,
                        const std::string& table_id, const std::string& record_id, const json& values) {
  const long long id = parse_record_id(record_id);
  return db::with_transaction(pool_, [&](pqxx::work& tx) {
    const TableInfo table = load_table(tx, snapshot_id, table_id);
    require_editable_table(table);
    validate_values(table, values);
    const Locked r = lock_record(tx, table_id, id, record_id);
    if (r.deleted)
      throw http::ApiError(409, "record_deleted", "Record is deleted", "revert the deletion first");
    if (r.suggested_create)
      throw http::ApiError(409, "record_is_suggestion", "Record is a suggestion",
                           "accept or reject it first");
    apply_edits_where(tx, table_id, "r.id = " + std::to_string(id), tx.quote(values.dump()) + "::jsonb");
    records_changed(tx, user_id, snapshot_id, table_id, {id}, 1, "edit");
    return fetch(tx, table_id, id);
  });
}

json RecordWriter::create(const std::string& user_id, const std::string& snapshot_id,
                          const std::string& table_id, const json& values) {
  return db::with_transaction(pool_, [&](pqxx::work& tx) {
    const TableInfo table = load_table(tx, snapshot_id, table_id);
    require_editable_table(table);
    validate_values(table, values);
    attach_partition(tx, table_id);
    const long long id = tx.exec_params1(
                               "INSERT INTO records (table_id, vals, created) VALUES ($1::uuid, "
                               "$2::jsonb, true) RETURNING id",
                               table_id, values.dump())[0]
                             .as<long long>();
    tx.exec_params("UPDATE snapshot_tables SET record_count = record_count + 1 WHERE id = $1::uuid",
                   table_id);
    records_changed(tx, user_id, snapshot_id, table_id, {id}, 1, "edit");
    return fetch(tx, table_id, id);
  });
}

json RecordWriter::remove(const std::string& user_id, const std::string& snapshot_id,
                          const std::string& table_id, const std::string& record_id) {
  const long long id = parse_record_id(record_id);
  return db::with_transaction(pool_, [&](pqxx::work& tx) {
    const TableInfo table = load_table(tx, snapshot_id, table_id);
    require_editable_table(table);
    const Locked r = lock_record(tx, table_id, id, record_id);
    json out;
    if (r.created) {
      // Never published: nothing to delete at the source, so it goes now.
      tx.exec(purge_sql(tx.quote(table_id), "r.id = " + std::to_string(id)));
      out = {{"id", record_id}, {"removed", true}};
    } else {
      tx.exec_params(
          "UPDATE records SET deleted = true, seq = nextval('record_seq'), updated_at = now() "
          "WHERE table_id = $1::uuid AND id = $2",
          table_id, id);
      out = fetch(tx, table_id, id);
    }
    records_changed(tx, user_id, snapshot_id, table_id, {id}, 1, "edit");
    return out;
  });
}

json RecordWriter::revert(const std::string& user_id, const std::string& snapshot_id,
                          const std::string& table_id, const std::string& record_id, const json& fields) {
  const long long id = parse_record_id(record_id);
  return db::with_transaction(pool_, [&](pqxx::work& tx) {
    load_table(tx, snapshot_id, table_id);
    const Locked r = lock_record(tx, table_id, id, record_id);
    if (r.created)
      throw http::ApiError(409, "nothing_to_revert", "Nothing to revert",
                           "the record was created here and has no downloaded values; delete it instead");
    if (fields.is_null()) {
      tx.exec_params(
          "UPDATE records SET vals = vals || original, original = '{}', conflicts = '{}', "
          "deleted = false, seq = nextval('record_seq'), updated_at = now() "
          "WHERE table_id = $1::uuid AND id = $2",
          table_id, id);
    } else {
      if (!fields.is_array()) throw http::errors::validation("fields", "must be an array of field ids");
      json keys = json::array();
      for (const auto& f : fields) {
        if (!f.is_string()) throw http::errors::validation("fields", "must be an array of field ids");
        keys.push_back(f);
      }
      // vals takes back each listed field's downloaded value; the edit and any conflict on it go.
      tx.exec_params(
          "UPDATE records SET vals = vals || (SELECT COALESCE(jsonb_object_agg(key, value), '{}') FROM "
          "jsonb_each(original) WHERE key IN (SELECT jsonb_array_elements_text($3::jsonb))), "
          "original = original - ARRAY(SELECT jsonb_array_elements_text($3::jsonb)), "
          "conflicts = conflicts - ARRAY(SELECT jsonb_array_elements_text($3::jsonb)), "
          "seq = nextval('record_seq'), updated_at = now() WHERE table_id = $1::uuid AND id = $2",
          table_id, id, keys.dump());
    }
    records_changed(tx, user_id, snapshot_id, table_id, {id}, 1, "edit");
    return fetch(tx, table_id, id);
  });
}

json RecordWriter::resolve(const std::string& user_id, const std::string& snapshot_id,
                           const std::string& table_id, const std::string& record_id, const json& body) {
  const long long id = parse_record_id(record_id);
  return db::with_transaction(pool_, [&](pqxx::work& tx) {
    load_table(tx, snapshot_id, table_id);
    lock_record(tx, table_id, id, record_id);
    const std::string where = "table_id = " + tx.quote(table_id) + "::uuid AND id = " + std::to_string(id);
    bool removed = false;
    for (const auto& [key, choice] : body.items()) {
      if (key == "fields") {
        if (!choice.is_object())
          throw http::errors::validation("fields", "must map field ids to local or remote");
        for (const auto& [field, side] : choice.items()) {
          const std::string f = tx.quote(field);
          const auto has =
              tx.exec("SELECT conflicts ? " + f + " FROM records WHERE " + where)[0][0].as<bool>();
          if (!has)
            throw http::ApiError(409, "no_conflict", "No conflict", "field '" + field + "' has no conflict");
          if (side == "local") {
            // Keep the edit; the source's value becomes its base (so publishing sends the edit over it).
            tx.exec("UPDATE records SET original = jsonb_set(original, ARRAY[" + f + "], conflicts -> " + f +
                    " -> 'remote'), conflicts = conflicts - " + f + " WHERE " + where);
            tx.exec("UPDATE records SET original = original - " + f + " WHERE " + where +
                    " AND COALESCE(vals -> " + f + ", 'null') = original -> " + f);
          } else if (side == "remote") {
            tx.exec("UPDATE records SET vals = jsonb_set(vals, ARRAY[" + f + "], conflicts -> " + f +
                    " -> 'remote'), original = original - " + f + ", conflicts = conflicts - " + f +
                    " WHERE " + where);
          } else {
            throw http::errors::validation("fields." + field, "must be 'local' or 'remote'");
          }
        }
      } else if (key == "remote_deleted") {
        const bool flagged = tx.exec("SELECT remote_deleted FROM records WHERE " + where)[0][0].as<bool>();
        if (!flagged)
          throw http::ApiError(409, "not_remote_deleted", "Not deleted at the source", "nothing to resolve");
        if (choice == "recreate") {
          tx.exec(
              "UPDATE records SET created = true, remote_id = NULL, remote_deleted = false, original = '{}', "
              "conflicts = '{}', deleted = false WHERE " +
              where);
        } else if (choice == "discard") {
          tx.exec(purge_sql(tx.quote(table_id), "r.id = " + std::to_string(id)));
          removed = true;
        } else {
          throw http::errors::validation("remote_deleted", "must be 'recreate' or 'discard'");
        }
      } else if (key == "ambiguous_create") {
        const bool flagged = tx.exec("SELECT ambiguous_create FROM records WHERE " + where)[0][0].as<bool>();
        if (!flagged)
          throw http::ApiError(409, "not_ambiguous", "Not an ambiguous create", "nothing to resolve");
        if (choice == "retry") {
          tx.exec("UPDATE records SET ambiguous_create = false, publish_error = NULL WHERE " + where);
        } else if (choice == "discard") {
          tx.exec(purge_sql(tx.quote(table_id), "r.id = " + std::to_string(id)));
          removed = true;
        } else if (choice.is_object() && choice.contains("remote_id") && choice["remote_id"].is_string()) {
          tx.exec(
              "UPDATE records SET ambiguous_create = false, publish_error = NULL, created = false, "
              "remote_id = " +
              tx.quote(choice["remote_id"].get<std::string>()) + " WHERE " + where);
        } else {
          throw http::errors::validation("ambiguous_create",
                                         "must be 'retry', 'discard' or {\"remote_id\": ...}");
        }
      } else {
        throw http::errors::validation(key, "unknown; use fields, remote_deleted or ambiguous_create");
      }
      if (removed) break;
    }
    records_changed(tx, user_id, snapshot_id, table_id, {id}, 1, "edit");
    if (removed) return json{{"id", record_id}, {"removed", true}};
    tx.exec("UPDATE records SET seq = nextval('record_seq'), updated_at = now() WHERE " + where);
    return fetch(tx, table_id, id);
  });
}

json RecordWriter::bulk_update(const std::string& user_id, const std::string& snapshot_id,
                               const std::string& table_id, const json& body) {
  return db::with_transaction(pool_, [&](pqxx::work& tx) {
    const TableInfo table = load_table(tx, snapshot_id, table_id);
    require_editable_table(table);
    if (!body.contains("values")) throw http::errors::validation("values", "is required");
    validate_values(table, body["values"]);
    const Quote quote = [&tx](const std::string& s) { return tx.quote(s); };
    const std::string where = compile_filter(body.value("filter", json()), table, quote) + " AND " +
                              search_condition(body.value("search", std::string()), quote) +
                              " AND NOT r.deleted AND NOT r.suggested_create";
    const long long matched = tx.exec("SELECT count(*) FROM records r WHERE r.table_id = " + quote(table_id) +
                                      "::uuid AND " + where)[0][0]
                                  .as<long long>();
    const auto ids = apply_edits_where(tx, table_id, where, quote(body["values"].dump()) + "::jsonb");
    records_changed(tx, user_id, snapshot_id, table_id, ids, static_cast<long long>(ids.size()), "bulk");
    return json{{"matched", matched}, {"updated", ids.size()}};
  });
}

json RecordWriter::replace(const std::string& user_id, const std::string& snapshot_id,
                           const std::string& table_id, const json& body) {
  return db::with_transaction(pool_, [&](pqxx::work& tx) {
    const TableInfo table = load_table(tx, snapshot_id, table_id);
    require_editable_table(table);
    const std::string field = body.value("field", std::string());
    const std::string find = body.value("find", std::string());
    if (!body.contains("replace") || !body["replace"].is_string())
      throw http::errors::validation("replace", "is required (a string)");
    const std::string replacement = body["replace"];
    if (find.empty()) throw http::errors::validation("find", "is required (a non-empty string)");
    const json* f = table.field(field);
    if (!f)
      throw http::ApiError(422, "unknown_field", "Invalid field values",
                           "the table has no field '" + field + "'");
    const std::string type = f->value("type", "");
    if (!table.writable(field))
      throw http::ApiError(422, "read_only_field", "Invalid field values",
                           "field '" + field + "' is read-only");
    if (type != "text" && type != "long_text" && type != "url" && type != "email" && type != "single_select")
      throw http::ApiError(422, "invalid_value", "Invalid field values", "replace works on text fields only");
    const bool match_case = body.value("match_case", true);
    const Quote quote = [&tx](const std::string& s) { return tx.quote(s); };
    // Literal text, not a regular expression: escape it for regexp_replace.
    std::string pattern;
    for (char c : find) {
      if (std::string("\\.^$|?*+()[]{}").find(c) != std::string::npos) pattern += '\\';
      pattern += c;
    }
    std::string repl;
    for (char c : replacement) {
      if (c == '\\' || c == '&') repl += '\\';
      repl += c;
    }
    const std::string text = "(r.vals ->> " + quote(field) + ")";
    const std::string flags = match_case ? "'g'" : "'gi'";
    const std::string where = compile_filter(body.value("filter", json()), table, quote) +
                              " AND NOT r.deleted AND NOT r.suggested_create AND jsonb_typeof(r.vals -> " +
                              quote(field) + ") = 'string' AND " +
                              (match_case ? "strpos(" + text + ", " + quote(find) + ") > 0"
                                          : "strpos(lower(" + text + "), lower(" + quote(find) + ")) > 0");
    const auto counts =
        tx.exec("SELECT count(*), COALESCE(sum((SELECT count(*) FROM regexp_matches(" + text + ", " +
                quote(pattern) + ", " + flags +
                "))), 0) FROM records r WHERE r.table_id = " + quote(table_id) + "::uuid AND " + where);
    const auto ids = apply_edits_where(tx, table_id, where,
                                       "jsonb_build_object(" + quote(field) + ", regexp_replace(" + text +
                                           ", " + quote(pattern) + ", " + quote(repl) + ", " + flags + "))");
    records_changed(tx, user_id, snapshot_id, table_id, ids, static_cast<long long>(ids.size()), "bulk");
    return json{{"matched", counts[0][0].as<long long>()},
                {"updated", ids.size()},
                {"replacements", counts[0][1].as<long long>()}};
  });
}

}  // namespace scratch::snapshots

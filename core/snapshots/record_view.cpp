#include "snapshots/record_view.hpp"

#include <pqxx/pqxx>

namespace scratch::snapshots {
namespace {

using nlohmann::json;

json project(const json& object, const std::set<std::string>& fields) {
  if (fields.empty() || !object.is_object()) return object;
  json out = json::object();
  for (const auto& [k, v] : object.items())
    if (fields.count(k)) out[k] = v;
  return out;
}

}  // namespace

const char* const kRecordColumns =
    "r.id, r.remote_id, r.vals::text, r.original::text, r.conflicts::text, r.suggestions::text, "
    "r.suggest_delete, r.suggested_create, r.created, r.deleted, r.remote_deleted, r.ambiguous_create, "
    "r.publish_error::text, r.remote_updated_at, r.seq, scratch_iso(r.updated_at)";

const char* const kStateSql =
    "(CASE WHEN r.suggested_create THEN 'suggested' WHEN r.deleted THEN 'deleted' WHEN r.created THEN "
    "'created' WHEN r.original <> '{}' THEN 'edited' ELSE 'synced' END)";

json record_json(const pqxx::row& row, const std::string& table_id, const std::set<std::string>& fields) {
  const json vals = json::parse(row[2].c_str());
  const json original = json::parse(row[3].c_str());
  const json conflicts = json::parse(row[4].c_str());
  const bool suggested_create = row[7].as<bool>();
  const bool created = row[8].as<bool>();
  const bool deleted = row[9].as<bool>();

  json downloaded = nullptr;
  json edits = json::object();
  if (!created) {
    downloaded = vals;
    for (const auto& [k, v] : original.items()) {
      downloaded[k] = v;
      edits[k] = vals.contains(k) ? vals[k] : json(nullptr);
    }
  }
  json conflict_view = json::object();
  for (const auto& [k, c] : conflicts.items()) {
    conflict_view[k] = {{"local", vals.contains(k) ? vals[k] : json(nullptr)},
                        {"remote", c.value("remote", json())},
                        {"base", c.value("base", json())}};
  }
  const char* state = suggested_create    ? "suggested"
                      : deleted           ? "deleted"
                      : created           ? "created"
                      : !original.empty() ? "edited"
                                          : "synced";
  return {{"id", std::to_string(row[0].as<long long>())},
          {"table_id", table_id},
          {"remote_id", row[1].is_null() ? json(nullptr) : json(row[1].as<std::string>())},
          {"values", project(vals, fields)},
          {"downloaded", project(downloaded, fields)},
          {"edits", project(edits, fields)},
          {"suggestions", project(json::parse(row[5].c_str()), fields)},
          {"suggested_delete", row[6].as<bool>()},
          {"suggested_create", suggested_create},
          {"conflicts", project(conflict_view, fields)},
          {"state", state},
          {"remote_deleted", row[10].as<bool>()},
          {"ambiguous_create", row[11].as<bool>()},
          {"publish_error", row[12].is_null() ? json(nullptr) : json::parse(row[12].c_str())},
          {"remote_updated_at", row[13].is_null() ? json(nullptr) : json(row[13].as<std::string>())},
          {"seq", row[14].as<long long>()},
          {"updated_at", row[15].as<std::string>()}};
}

}  // namespace scratch::snapshots

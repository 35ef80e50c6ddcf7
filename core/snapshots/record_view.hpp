// How a stored record is shown: values (downloaded + edits), downloaded, edits, suggestions, conflicts,
// state and flags. One SELECT list, so every route shows records the same way.
#pragma once

#include <nlohmann/json.hpp>
#include <pqxx/row>
#include <set>
#include <string>

namespace scratch::snapshots {

// Columns of `records r` in the order record_json reads them.
extern const char* const kRecordColumns;

// `fields`: projection (empty = all fields).
nlohmann::json record_json(const pqxx::row& row, const std::string& table_id,
                           const std::set<std::string>& fields = {});

// SQL for a record's state (synced | edited | created | deleted | suggested), over `records r`.
extern const char* const kStateSql;

}  // namespace scratch::snapshots

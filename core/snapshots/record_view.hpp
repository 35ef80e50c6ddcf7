// How a stored record is shown: values (downloaded + edits), downloaded, edits, suggestions, conflicts,
// state and flags. The JSON is built by PostgreSQL from one SQL expression, so every route shows records
// the same way and a page of records goes out as the database wrote it.
#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "snapshots/record_filter.hpp"

namespace scratch::snapshots {

// SQL yielding one record's JSON text over `records r`; `fields` projects the value objects (empty: all).
std::string record_json_sql(const std::set<std::string>& fields, const Quote& quote);

// SQL for a record's state (synced | edited | created | deleted | suggested), over `records r`.
extern const char* const kStateSql;

}  // namespace scratch::snapshots

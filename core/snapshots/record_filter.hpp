// Our structured record filter, sort and search, compiled to SQL over `records r`. Filters are JSON, never
// SQL: every field id and value goes through the database's quoting, so no user text reaches the query as
// code. Unknown fields or operators are 400 invalid_filter naming them.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "snapshots/table_info.hpp"

namespace scratch::snapshots {

using Quote = std::function<std::string(const std::string&)>;  // SQL literal of a text

// A boolean SQL expression; "TRUE" for a null/empty filter.
std::string compile_filter(const nlohmann::json& filter, const TableInfo& table, const Quote& quote);
// The record fields a filter tests (not pseudo-fields).
std::set<std::string> filter_fields(const nlohmann::json& filter);

struct SortKey {
  std::string field;
  bool descending = false;
};
// "a:asc,b:desc" or a JSON array [{field, dir}]. Unknown fields are 400 invalid_sort.
std::vector<SortKey> parse_sort(const nlohmann::json& spec, const TableInfo& table);
// The jsonb expression a key sorts by (never SQL NULL, so comparisons are total).
std::string sort_expression(const SortKey& key, const Quote& quote);

// Full-text condition over the record's text values (web-search syntax), or "TRUE" when empty.
std::string search_condition(const std::string& search, const Quote& quote);

// The order: the keys, then the record id in the direction of the last key (so one index on (value, id)
// serves a single-key sort both ways).
std::string order_by(const std::vector<SortKey>& keys, const Quote& quote);
// Keyset condition: rows after (values..., id) in that order.
std::string after_condition(const std::vector<SortKey>& keys, const nlohmann::json& values, long long id,
                            const Quote& quote);

}  // namespace scratch::snapshots

// How rows leave the database: the select list every read and RETURNING uses, and the decoding of a row
// into the record JSON the contract returns.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "catalog.hpp"
#include "connection.hpp"

namespace scratch::postgres {

// The primary key columns as text (or ctid::text without a key), then one expression per column.
std::string select_list(Connection& conn, const Table& table);

struct DecodedRow {
  std::string id;                      // the record id (see record_id.hpp)
  nlohmann::json fields;               // column name -> JSON value
  std::vector<std::string> key_texts;  // the key's exact text forms, for a cursor
};

// Decodes row `row` of a result whose columns are select_list(table).
DecodedRow decode_row(const Table& table, const PgResult& result, int row);

// A numeric's text as a JSON number when a double holds it exactly enough (up to 15 significant digits)
// or an int64 holds it exactly; otherwise as a JSON string, so that no digits are lost. NaN and the
// infinities become strings too.
nlohmann::json numeric_to_json(std::string_view text);

}  // namespace scratch::postgres

// Conversions between CSV cells (always text) and the JSON values the connector contract carries.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "scratch/plugin.hpp"
#include "type_inference.hpp"

namespace scratch::csv {

// Empty → null; a value fitting its column's type → number, bool or "YYYY-MM-DD"; anything else stays a
// string (the type comes from a sample, so later rows may not fit it).
plugin::json cell_to_json(std::string_view text, ColumnType type);

// A JSON value as cell text: strings as-is, numbers and booleans as their JSON text, null as empty.
// Objects and arrays have no cell form: nullopt.
std::optional<std::string> json_to_cell(const plugin::json& value);

}  // namespace scratch::csv

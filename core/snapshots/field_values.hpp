// Checks values written by users and agents against the table's fields, before anything is stored: the
// field must exist and be writable, and the value must fit its canonical type (null always fits).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "snapshots/table_info.hpp"

namespace scratch::snapshots {

// Throws ApiError 422 listing every problem (codes unknown_field, read_only_field, invalid_value), or
// returns the values normalised (e.g. a number given as a numeric string stays a string).
void validate_values(const TableInfo& table, const nlohmann::json& values,
                     const std::string& where = "values");

// The problem with one value for a field of `type`, or empty when it fits.
std::string value_problem(const nlohmann::json& field, const nlohmann::json& value);

}  // namespace scratch::snapshots

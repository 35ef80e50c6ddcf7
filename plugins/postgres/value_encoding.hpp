// How written field values become statement parameters: text that `$n::<column type>` parses.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "catalog.hpp"

namespace scratch::postgres {

// nullopt binds NULL. json/jsonb values bind as their JSON text, arrays as an array literal, everything
// else as the string itself (or a number's/boolean's JSON text) for the server to parse, so the server's
// own input rules and error messages apply. Throws scratch::plugin::Error("invalid_value") for a shape no
// cast could take, e.g. an object for an integer column.
std::optional<std::string> encode_value(const Column& column, const nlohmann::json& value);

// A JSON array as a PostgreSQL array literal: [1,[2,null],"a\"b"] -> {"1",{"2",NULL},"a\"b"}. With
// json_elements, leaves are written as JSON text (for json[] and jsonb[] columns).
std::string to_array_literal(const nlohmann::json& array, bool json_elements);

}  // namespace scratch::postgres

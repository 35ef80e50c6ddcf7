// Write-side value encoding. Every value goes to the server as a text parameter with a cast, never
// spliced into SQL.
#include "value_encoding.hpp"

#include <scratch/plugin.hpp>

namespace scratch::postgres {
namespace {

void append_quoted(std::string& out, const std::string& text) {
  out += '"';
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

void append_array(std::string& out, const nlohmann::json& array, bool json_elements) {
  out += '{';
  bool first = true;
  for (const auto& element : array) {
    if (!first) out += ',';
    first = false;
    if (element.is_array()) {
      append_array(out, element, json_elements);  // a nested array is another dimension
    } else if (element.is_null()) {
      out += "NULL";
    } else if (json_elements || !element.is_string()) {
      append_quoted(out, element.dump());
    } else {
      // Always quoted, so that a string "NULL" or one with braces or commas stays a plain element.
      append_quoted(out, element.get<std::string>());
    }
  }
  out += '}';
}

}  // namespace

std::string to_array_literal(const nlohmann::json& array, bool json_elements) {
  std::string out;
  append_array(out, array, json_elements);
  return out;
}

std::optional<std::string> encode_value(const Column& column, const nlohmann::json& value) {
  if (value.is_null()) return std::nullopt;
  if (column.type.category == 'A') {
    if (value.is_array())
      return to_array_literal(value, column.type.name == "_json" || column.type.name == "_jsonb");
    if (value.is_string()) return value.get<std::string>();  // already an array literal, e.g. "{1,2}"
    throw plugin::Error("invalid_value", "field \"" + column.name + "\" takes an array");
  }
  if (column.type.name == "json" || column.type.name == "jsonb") return value.dump();
  if (value.is_string()) return value.get<std::string>();
  if (value.is_object() || value.is_array()) {
    throw plugin::Error("invalid_value", "field \"" + column.name + "\" takes a " +
                                             field_type_name(column.field_type) + " value, not " +
                                             (value.is_object() ? "an object" : "an array"));
  }
  return value.dump();  // numbers and booleans: their JSON text is also PostgreSQL's input syntax
}

}  // namespace scratch::postgres

// Cell text <-> JSON, following the column types from inference.
#include "cell_values.hpp"

#include <charconv>
#include <cstdint>

namespace scratch::csv {

using plugin::json;

namespace {

json number_to_json(std::string_view text) {
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (text.find('.') == std::string_view::npos) {
    std::int64_t value = 0;
    const auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec == std::errc() && ptr == end) return value;
  } else {
    double value = 0;
    const auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec == std::errc() && ptr == end) return value;
  }
  return std::string(text);  // unreachable for text that passed is_number
}

}  // namespace

json cell_to_json(std::string_view text, ColumnType type) {
  if (text.empty()) return nullptr;
  switch (type) {
    case ColumnType::kNumber:
      if (is_number(text)) return number_to_json(text);
      break;
    case ColumnType::kBoolean:
      if (const auto b = parse_boolean(text)) return *b;
      break;
    case ColumnType::kDate:
    case ColumnType::kText:
      break;
  }
  return std::string(text);
}

std::optional<std::string> json_to_cell(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return std::string();
    case json::value_t::string:
      return value.get<std::string>();
    case json::value_t::boolean:
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return value.dump();
    default:
      return std::nullopt;
  }
}

}  // namespace scratch::csv

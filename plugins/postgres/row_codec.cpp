// Row encoding out of PostgreSQL. Each column is selected in the form that maps onto JSON most directly:
// to_json() where PostgreSQL's own JSON conversion is right (numbers, booleans, timestamps in ISO 8601,
// json/jsonb, arrays), text for text-like types and for numeric, whose precision JSON numbers may not hold.
#include "row_codec.hpp"

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <limits>

#include "record_id.hpp"

namespace scratch::postgres {
namespace {

enum class ReadAs { Json, Numeric, Text };

ReadAs read_as(const Column& column) {
  if (column.type.category == 'A') return ReadAs::Json;
  if (column.type.name == "numeric" || column.type.name == "money") return ReadAs::Numeric;
  switch (column.field_type) {
    case FieldType::Text:
    case FieldType::SingleSelect:
      // Not to_json: a composite or range column would come out as an object, not as the "text" it is typed.
      return ReadAs::Text;
    default:
      return ReadAs::Json;
  }
}

std::string value_expression(Connection& conn, const Column& column) {
  const std::string q = conn.quote_ident(column.name);
  switch (read_as(column)) {
    case ReadAs::Json:
      return "to_json(" + q + ")";
    case ReadAs::Numeric:
      // money's text carries a currency symbol and locale separators; numeric's does not.
      return column.type.name == "money" ? q + "::numeric::text" : q + "::text";
    case ReadAs::Text:
      break;
  }
  return q + "::text";
}

nlohmann::json decode_value(const Column& column, const PgResult& result, int row, int index) {
  if (result.is_null(row, index)) return nullptr;
  const std::string_view text = result.value(row, index);
  switch (read_as(column)) {
    case ReadAs::Json:
      return nlohmann::json::parse(text);
    case ReadAs::Numeric:
      return numeric_to_json(text);
    case ReadAs::Text:
      break;
  }
  return std::string(text);
}

}  // namespace

std::string select_list(Connection& conn, const Table& table) {
  std::string sql;
  if (table.has_primary_key()) {
    for (const auto index : table.key)
      sql += conn.quote_ident(table.columns[index].name) + "::text, ";
  } else {
    sql += "ctid::text, ";
  }
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += value_expression(conn, table.columns[i]);
  }
  return sql;
}

DecodedRow decode_row(const Table& table, const PgResult& result, int row) {
  DecodedRow out;
  const int key_width = table.has_primary_key() ? static_cast<int>(table.key.size()) : 1;
  for (int i = 0; i < key_width; ++i)
    out.key_texts.emplace_back(result.value(row, i));

  out.fields = nlohmann::json::object();
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    out.fields[table.columns[i].name] =
        decode_value(table.columns[i], result, row, key_width + static_cast<int>(i));
  }

  if (!table.has_primary_key()) {
    out.id = out.key_texts.front();  // the ctid: only good until the row is next updated or vacuumed
    return out;
  }
  std::vector<nlohmann::json> key_values;
  for (const auto index : table.key)
    key_values.push_back(out.fields[table.columns[index].name]);
  out.id = make_record_id(out.key_texts, key_values);
  return out;
}

nlohmann::json numeric_to_json(std::string_view text) {
  const std::string s(text);
  if (s == "NaN" || s == "Infinity" || s == "-Infinity") return s;

  // Significant digits: all digits minus leading zeros and trailing zeros.
  std::string digits;
  bool fractional = false;
  for (const char c : s) {
    if (c == '.') {
      fractional = true;
    } else if (c >= '0' && c <= '9') {
      if (!digits.empty() || c != '0') digits += c;
    }
  }
  const std::size_t last = digits.find_last_not_of('0');
  digits.erase(last == std::string::npos ? 0 : last + 1);

  const auto dot = s.find('.');
  const bool integral = !fractional || s.find_first_not_of('0', dot + 1) == std::string::npos;
  if (integral) {
    errno = 0;
    char* end = nullptr;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    if (errno == 0) return static_cast<std::int64_t>(v);
  }
  if (digits.size() <= static_cast<std::size_t>(std::numeric_limits<double>::digits10)) {
    const double d = std::strtod(s.c_str(), nullptr);
    if (d <= std::numeric_limits<double>::max() && d >= -std::numeric_limits<double>::max()) return d;
  }
  return s;  // more digits than a double keeps: a string, so that consumers lose nothing
}

}  // namespace scratch::postgres

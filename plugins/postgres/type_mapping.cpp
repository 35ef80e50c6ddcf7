// Canonical types by base type name; anything unrecognised is shown as its text form.
#include "type_mapping.hpp"

namespace scratch::postgres {

FieldType canonical_type(const PgType& t) {
  if (t.category == 'A') return FieldType::Json;  // arrays come out as JSON arrays (array_to_json)
  if (t.typtype == 'e') return FieldType::SingleSelect;
  const std::string_view n = t.name;
  if (n == "int2" || n == "int4" || n == "int8" || n == "numeric" || n == "float4" || n == "float8" ||
      n == "money") {
    return FieldType::Number;
  }
  if (n == "bool") return FieldType::Boolean;
  if (n == "date") return FieldType::Date;
  if (n == "timestamp" || n == "timestamptz") return FieldType::Datetime;
  if (n == "json" || n == "jsonb") return FieldType::Json;
  // text, varchar, bpchar, citext, uuid, inet, bytea, interval, time, geometric types, ranges, ...
  return FieldType::Text;
}

bool is_read_only_type(const PgType& t) {
  return t.name == "bytea";
}

const char* field_type_name(FieldType type) {
  switch (type) {
    case FieldType::Number:
      return "number";
    case FieldType::Boolean:
      return "boolean";
    case FieldType::Date:
      return "date";
    case FieldType::Datetime:
      return "datetime";
    case FieldType::Json:
      return "json";
    case FieldType::SingleSelect:
      return "single_select";
    case FieldType::Text:
      break;
  }
  return "text";
}

}  // namespace scratch::postgres

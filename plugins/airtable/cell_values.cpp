#include "cell_values.hpp"

namespace scratch::airtable {

using plugin::json;

namespace {

// Whether a present value fits its canonical type. Computed fields can hold surprises (a formula error is
// {"error": "#ERROR!"}, NaN is {"specialValue": "NaN"}); those are shown as text rather than dropped.
bool fits(const std::string& type, const json& value) {
  if (type == "json") return true;
  if (type == "number") return value.is_number();
  if (type == "boolean") return value.is_boolean();
  if (type == "multi_select" || type == "link") return value.is_array();
  return value.is_string();
}

json canonical_value(const FieldInfo& field, const json* value) {
  if (value == nullptr || value->is_null()) {
    return field.airtable_type == "checkbox" ? json(false) : json();
  }
  if (fits(field.type, *value)) return *value;
  if (field.type == "boolean" || field.type == "number") return json();
  return value->dump();
}

}  // namespace

json canonical_fields(const TableInfo& table, const json& airtable_fields) {
  json out = json::object();
  for (const auto& field : table.fields) {
    const json* value = nullptr;
    if (airtable_fields.is_object()) {
      const auto it = airtable_fields.find(field.id);
      if (it != airtable_fields.end()) value = &*it;
    }
    out[field.id] = canonical_value(field, value);
  }
  return out;
}

json airtable_value(const FieldInfo* field, const json& value) {
  if (field != nullptr && field->type == "number" && value.is_string()) {
    // The canonical encoding allows a decimal string where a double would lose digits; Airtable stores
    // doubles, so it gets the number.
    const json parsed = json::parse(value.get<std::string>(), nullptr, false);
    if (parsed.is_number()) return parsed;
  }
  return value;
}

}  // namespace scratch::airtable

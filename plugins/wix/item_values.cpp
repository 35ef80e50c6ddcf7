#include "item_values.hpp"

#include <regex>

namespace scratch::wix {

using plugin::Error;
using plugin::json;

namespace {

bool is_date_object(const json& v) {
  return v.is_object() && v.size() == 1 && v.contains("$date") && v["$date"].is_string();
}

// Wix's reference values: the item id, or the whole referenced item when it was asked for.
json id_of(const json& v) {
  if (v.is_string()) return v;
  if (v.is_object() && v.contains("_id") && v["_id"].is_string()) return v["_id"];
  return json();
}

json canonical_value(const FieldInfo& field, const json& v) {
  if (v.is_null()) return v;
  const std::string& t = field.wix_type;
  if (t == "DATETIME" && is_date_object(v)) return v["$date"];
  // A DATE holds "YYYY-MM-DD"; a Date and Time object found in one (the schema is not enforced) shows as its
  // day.
  if (t == "DATE" && is_date_object(v)) return v["$date"].get<std::string>().substr(0, 10);
  if (t == "REFERENCE") {
    const json id = id_of(v);
    return id.is_null() ? v : json::array({id});
  }
  if (t == "MULTI_REFERENCE" && v.is_array()) {
    json ids = json::array();
    for (const json& item : v)
      if (const json id = id_of(item); !id.is_null()) ids.push_back(id);
    return ids;
  }
  return v;  // strings, numbers, booleans and json types as stored: nothing to lose
}

[[noreturn]] void refuse(const FieldInfo& field, const std::string& why) {
  throw Error("invalid_value", "field " + field.key + " (Wix " + field.wix_type + "): " + why);
}

}  // namespace

json canonical_fields(const CollectionInfo& collection, const json& data) {
  json out = json::object();
  for (const auto& f : collection.fields) {
    const auto it = data.is_object() ? data.find(f.key) : data.end();
    out[f.key] = it == data.end() ? json() : canonical_value(f, *it);
  }
  return out;
}

json wix_value(const FieldInfo& field, const json& value) {
  if (value.is_null()) return value;
  const std::string& type = field.type;
  if (type == "text" || type == "long_text" || type == "url" || type == "email") {
    if (!value.is_string()) refuse(field, "expected a string");
    return value;
  }
  if (type == "number") {
    if (value.is_number()) return value;
    // The canonical form of a number a double cannot hold exactly is a decimal string.
    if (value.is_string()) {
      const json parsed = json::parse(value.get<std::string>(), nullptr, false);
      if (parsed.is_number()) return parsed;
    }
    refuse(field, "expected a number");
  }
  if (type == "boolean") {
    if (!value.is_boolean()) refuse(field, "expected true or false");
    return value;
  }
  if (type == "date") {
    static const std::regex day(R"(^\d{4}-\d{2}-\d{2}$)");
    if (!value.is_string() || !std::regex_match(value.get<std::string>(), day))
      refuse(field, "expected a date YYYY-MM-DD");
    return value;
  }
  if (type == "datetime") {
    if (!value.is_string() || value.get<std::string>().size() < 16)
      refuse(field, "expected an ISO 8601 date-time");
    return {{"$date", value}};
  }
  if (type == "link") {
    // A REFERENCE holds one item id.
    if (value.is_string()) return value;
    if (!value.is_array() || value.size() > 1 || (value.size() == 1 && !value[0].is_string()))
      refuse(field, "a reference holds one item id");
    return value.empty() ? json() : value[0];
  }
  return value;  // json: as given
}

}  // namespace scratch::wix

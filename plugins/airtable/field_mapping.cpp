#include "field_mapping.hpp"

#include <map>
#include <set>

namespace scratch::airtable {

using plugin::json;

namespace {

// Writable types whose values map one to one. Attachments (with ids and thumbnails), collaborators and
// barcodes are objects the canonical types cannot hold losslessly, so they travel as json.
const std::map<std::string, std::string>& writable_types() {
  static const std::map<std::string, std::string> types = {
      {"singleLineText", "text"},
      {"multilineText", "long_text"},
      {"richText", "long_text"},
      {"email", "email"},
      {"url", "url"},
      {"phoneNumber", "text"},
      {"number", "number"},
      {"currency", "number"},
      {"percent", "number"},
      {"duration", "number"},
      {"rating", "number"},
      {"checkbox", "boolean"},
      {"date", "date"},
      {"dateTime", "datetime"},
      {"singleSelect", "single_select"},
      {"multipleSelects", "multi_select"},
      {"multipleRecordLinks", "link"},
      {"multipleAttachments", "json"},
      {"singleCollaborator", "json"},
      {"multipleCollaborators", "json"},
      {"barcode", "json"},
  };
  return types;
}

// Computed by Airtable: never written.
const std::map<std::string, std::string>& computed_types() {
  static const std::map<std::string, std::string> types = {
      {"autoNumber", "number"},         {"count", "number"},   {"createdTime", "datetime"},
      {"lastModifiedTime", "datetime"}, {"createdBy", "json"}, {"lastModifiedBy", "json"},
      {"multipleLookupValues", "json"}, {"button", "json"},    {"externalSyncSource", "text"},
  };
  return types;
}

// A formula's or rollup's result type (options.result.type); json when absent or not a simple value.
std::string result_type(const json& field) {
  const json options = field.value("options", json::object());
  const json result = options.is_object() ? options.value("result", json()) : json();
  const std::string type = result.is_object() ? result.value("type", "") : "";
  static const std::set<std::string> scalar = {
      "singleLineText", "multilineText", "richText", "email",  "url",      "phoneNumber", "number",
      "currency",       "percent",       "duration", "rating", "checkbox", "date",        "dateTime"};
  if (scalar.count(type)) return writable_types().at(type);
  return "json";
}

json choice_names(const json& field) {
  json names = json::array();
  const json options = field.value("options", json::object());
  if (!options.is_object() || !options.contains("choices") || !options["choices"].is_array()) return names;
  for (const json& choice : options["choices"])
    if (choice.is_object() && choice.contains("name") && choice["name"].is_string())
      names.push_back(choice["name"]);
  return names;
}

}  // namespace

FieldInfo map_field(const json& field) {
  FieldInfo info;
  info.id = field.value("id", "");
  info.name = field.value("name", info.id);
  info.airtable_type = field.value("type", "");
  if (const auto it = writable_types().find(info.airtable_type); it != writable_types().end()) {
    info.type = it->second;
  } else if (const auto c = computed_types().find(info.airtable_type); c != computed_types().end()) {
    info.type = c->second;
    info.read_only = true;
  } else if (info.airtable_type == "formula" || info.airtable_type == "rollup") {
    info.type = result_type(field);
    info.read_only = true;
  } else {
    info.type = "json";  // a type Airtable added after this connector: shown as it comes, never written
    info.read_only = true;
  }
  if (info.type == "single_select" || info.type == "multi_select") info.options = choice_names(field);
  return info;
}

json describe_field(const FieldInfo& field) {
  json out = {{"id", field.id}, {"name", field.name}, {"type", field.type}, {"read_only", field.read_only}};
  if (field.options.is_array()) out["options"] = field.options;
  return out;
}

}  // namespace scratch::airtable

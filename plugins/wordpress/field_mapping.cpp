#include "field_mapping.hpp"

#include <cctype>
#include <map>
#include <set>

namespace scratch::wordpress {

using plugin::json;

namespace {

// The schema's type: a string, or a list such as ["string", "null"] whose first non-null entry counts.
std::string schema_type(const json& property) {
  const json type = property.value("type", json());
  if (type.is_string()) return type.get<std::string>();
  if (type.is_array()) {
    for (const auto& t : type)
      if (t.is_string() && t != "null") return t.get<std::string>();
  }
  return "";
}

std::string display_name(const std::string& key) {
  static const std::map<std::string, std::string> names = {{"id", "ID"},
                                                           {"date", "Date"},
                                                           {"modified", "Modified"},
                                                           {"guid", "GUID"},
                                                           {"link", "Link"},
                                                           {"featured_media", "Featured media"},
                                                           {"menu_order", "Menu order"},
                                                           {"comment_status", "Comment status"},
                                                           {"ping_status", "Ping status"}};
  const auto it = names.find(key);
  if (it != names.end()) return it->second;
  std::string out = key;
  for (char& c : out)
    if (c == '_') c = ' ';
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

bool has_raw(const json& property) {
  return property.contains("properties") && property["properties"].is_object() &&
         property["properties"].contains("raw");
}

}  // namespace

bool skipped_key(const std::string& key) {
  static const std::set<std::string> skipped = {
      "type", "date_gmt", "modified_gmt", "permalink_template", "generated_slug", "_links", "_embedded"};
  return skipped.count(key) > 0;
}

std::optional<json> map_field(const std::string& key, const json& property) {
  if (skipped_key(key) || !property.is_object()) return std::nullopt;
  bool read_only = property.value("readonly", false);
  const std::string type = schema_type(property);
  std::string canonical = "json";
  json options;
  if (key == "date" || key == "modified") {
    canonical = "datetime";  // read from date_gmt / modified_gmt, as UTC
  } else if (key == "guid") {
    canonical = "url";
    read_only = true;
  } else if (key == "title") {
    canonical = "text";  // its raw form
  } else if (type == "object" && has_raw(property)) {
    canonical = "long_text";  // content, excerpt, caption...: raw, never the rendered HTML
  } else if (key == "id") {
    canonical = "number";
    read_only = true;
  } else if (type == "integer" || type == "number") {
    canonical = "number";
  } else if (type == "boolean") {
    canonical = "boolean";
  } else if (type == "string") {
    const json en = property.value("enum", json());
    bool selectable = en.is_array() && !en.empty();
    if (selectable) {
      for (const auto& v : en)
        if (!v.is_string() || v.get<std::string>().empty()) selectable = false;  // "" is no option
    }
    const std::string fmt = property.value("format", "");
    if (selectable) {
      canonical = "single_select";
      options = en;
    } else if (fmt == "uri") {
      canonical = "url";
    } else if (fmt == "email") {
      canonical = "email";
    } else {
      canonical = "text";  // date-time strings of plugins too: kept as WordPress writes them
    }
  }
  // Anything else (categories and tags as arrays of term ids, meta, plugin objects) is json: kept whole.
  json field = {{"id", key}, {"name", display_name(key)}, {"type", canonical}, {"read_only", read_only}};
  if (!options.is_null()) field["options"] = options;
  return field;
}

}  // namespace scratch::wordpress

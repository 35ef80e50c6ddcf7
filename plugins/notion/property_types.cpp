#include "property_types.hpp"

#include <map>

namespace scratch::notion {

using nlohmann::json;

std::string canonical_type(const std::string& t) {
  static const std::map<std::string, std::string> kTypes = {
      {"title", "text"},
      {"rich_text", "long_text"},
      {"number", "number"},
      {"select", "single_select"},
      {"status", "single_select"},
      {"multi_select", "multi_select"},
      {"date", "date"},
      {"checkbox", "boolean"},
      {"url", "url"},
      {"email", "email"},
      {"phone_number", "text"},
      {"relation", "link"},
      {"people", "json"},
      {"files", "json"},
      {"created_time", "datetime"},
      {"last_edited_time", "datetime"},
      {"unique_id", "text"},
  };
  const auto it = kTypes.find(t);
  return it == kTypes.end() ? "json" : it->second;
}

bool writable(const std::string& t) {
  static const char* kWritable[] = {"title",        "rich_text", "number",   "select",  "status",
                                    "multi_select", "date",      "checkbox", "url",     "email",
                                    "phone_number", "people",    "files",    "relation"};
  for (const char* w : kWritable)
    if (t == w) return true;
  return false;
}

json describe_field(const json& property) {
  const std::string type = property.value("type", "");
  json field = {{"id", property.value("id", "")},
                {"name", property.value("name", "")},
                {"type", canonical_type(type)},
                {"read_only", !writable(type)}};
  if (type == "select" || type == "status" || type == "multi_select") {
    json options = json::array();
    const json config = property.value(type, json::object());
    if (config.is_object() && config.contains("options") && config["options"].is_array()) {
      for (const json& o : config["options"])
        if (o.is_object() && o.contains("name") && o["name"].is_string()) options.push_back(o["name"]);
    }
    field["options"] = std::move(options);
  }
  return field;
}

}  // namespace scratch::notion

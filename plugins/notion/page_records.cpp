#include "page_records.hpp"

#include <string>

#include "property_values.hpp"

namespace scratch::notion {
namespace {

using nlohmann::json;

// Every related page id, from GET /pages/{id}/properties/{property id} (paginated).
json full_relation(const NotionApi& api, const std::string& page_id, const std::string& property_id) {
  json ids = json::array();
  std::string cursor;
  for (int guard = 0; guard < 1000; ++guard) {
    std::string path =
        "/pages/" + path_segment(page_id) + "/properties/" + path_segment(property_id) + "?page_size=100";
    if (!cursor.empty()) path += "&start_cursor=" + path_segment(cursor);
    const json list = api.call("GET", path);
    for (const json& item : list.value("results", json::array())) {
      const json relation = item.value("relation", json());
      if (relation.is_object() && relation.contains("id")) ids.push_back(relation["id"]);
    }
    const json next = list.value("next_cursor", json());
    if (!list.value("has_more", false) || !next.is_string()) break;
    cursor = next.get<std::string>();
  }
  return ids;
}

}  // namespace

json page_fields(const NotionApi& api, const json& page) {
  json fields = json::object();
  const json properties = page.value("properties", json::object());
  if (!properties.is_object()) return fields;
  for (const auto& [name, property] : properties.items()) {
    if (!property.is_object() || !property.contains("id") || !property["id"].is_string()) continue;
    const std::string id = property["id"].get<std::string>();
    if (property.value("type", "") == "relation" && property.value("has_more", false)) {
      fields[id] = full_relation(api, page.value("id", ""), id);
    } else {
      fields[id] = decode_value(property);
    }
  }
  return fields;
}

json page_record(const NotionApi& api, const json& page) {
  return {{"id", page.value("id", "")},
          {"fields", page_fields(api, page)},
          {"updated_at", page.value("last_edited_time", json())}};
}

}  // namespace scratch::notion

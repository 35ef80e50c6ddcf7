#include "databases.hpp"

#include <chrono>
#include <mutex>
#include <vector>

#include "property_types.hpp"

namespace scratch::notion {
namespace {

using nlohmann::json;

std::string plain_title(const json& database) {
  std::string out;
  for (const json& t : database.value("title", json::array()))
    if (t.is_object() && t.contains("plain_text") && t["plain_text"].is_string())
      out += t["plain_text"].get<std::string>();
  return out.empty() ? "Untitled" : out;
}

json describe_table(const json& database) {
  json fields = json::array();
  const json properties = database.value("properties", json::object());
  // The title first (Notion's primary column), then the rest by name (the API gives no column order).
  for (const auto& [name, property] : properties.items())
    if (property.value("type", "") == "title") fields.push_back(describe_field(property));
  for (const auto& [name, property] : properties.items())
    if (property.value("type", "") != "title") fields.push_back(describe_field(property));
  return {{"id", database.value("id", "")},
          {"name", plain_title(database)},
          {"primary_key", json::array()},
          {"read_only", false},
          {"fields", std::move(fields)}};
}

struct CachedSchema {
  std::chrono::steady_clock::time_point at;
  PropertyTypes properties;
};
std::mutex cache_mutex;
std::map<std::string, CachedSchema> cache;  // by account id + database id
constexpr auto kCacheTtl = std::chrono::seconds(60);

}  // namespace

json list_databases(const NotionApi& api, const json& config) {
  json tables = json::array();
  const json ids = config.value("database_ids", json::array());
  if (ids.is_array() && !ids.empty()) {
    for (const json& id : ids)
      if (id.is_string())
        tables.push_back(
            describe_table(api.call("GET", "/databases/" + path_segment(id.get<std::string>()))));
    return {{"tables", std::move(tables)}};
  }
  std::string cursor;
  for (int guard = 0; guard < 1000; ++guard) {
    json body = {{"filter", {{"property", "object"}, {"value", "database"}}}, {"page_size", 100}};
    if (!cursor.empty()) body["start_cursor"] = cursor;
    const json page = api.call("POST", "/search", body);
    for (const json& database : page.value("results", json::array()))
      if (database.is_object() && database.value("object", "") == "database")
        tables.push_back(describe_table(database));
    const json next = page.value("next_cursor", json());
    if (!page.value("has_more", false) || !next.is_string()) break;
    cursor = next.get<std::string>();
    api.host().throw_if_cancelled();
  }
  return {{"tables", std::move(tables)}};
}

PropertyTypes database_properties(const NotionApi& api, const std::string& account_id,
                                  const std::string& database_id, bool refresh) {
  const std::string key = account_id + "/" + database_id;
  const auto now = std::chrono::steady_clock::now();
  if (!refresh) {
    std::lock_guard<std::mutex> lock(cache_mutex);
    const auto it = cache.find(key);
    if (it != cache.end() && now - it->second.at < kCacheTtl) return it->second.properties;
  }
  const json database = api.call("GET", "/databases/" + path_segment(database_id));
  PropertyTypes properties;
  const json all = database.value("properties", json::object());
  for (const auto& [name, property] : all.items()) {
    if (property.is_object() && property.contains("id") && property["id"].is_string())
      properties[property["id"].get<std::string>()] = {{"type", property.value("type", "")}, {"name", name}};
  }
  std::lock_guard<std::mutex> lock(cache_mutex);
  cache[key] = {now, properties};
  return properties;
}

}  // namespace scratch::notion

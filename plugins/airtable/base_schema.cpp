#include "base_schema.hpp"

#include <chrono>
#include <map>
#include <mutex>
#include <scratch/plugin_util.hpp>

namespace scratch::airtable {

using plugin::Error;
using plugin::json;

namespace {

using Clock = std::chrono::steady_clock;

// Short enough that a changed schema shows up within a minute; list_tables (run at every download's start)
// always refreshes it.
constexpr auto kCacheTtl = std::chrono::seconds(60);

struct CacheEntry {
  Clock::time_point fetched;
  std::vector<TableInfo> tables;
};

std::mutex cache_mutex;
std::map<std::string, CacheEntry> cache;

// Keyed by account and base: another account (or a changed base id) never sees this one's schema.
std::string cache_key(const Settings& s) {
  return s.account_id + '\n' + s.base_url + '\n' + s.base_id;
}

bool watches_every_field(const json& field) {
  if (field.value("type", "") != "lastModifiedTime") return false;
  const json options = field.value("options", json::object());
  const json watched = options.is_object() ? options.value("referencedFieldIds", json()) : json();
  return !watched.is_array() || watched.empty();
}

TableInfo map_table(const json& table) {
  TableInfo info;
  info.id = table.value("id", "");
  info.name = table.value("name", info.id);
  for (const json& field : table.value("fields", json::array())) {
    if (!field.is_object()) continue;
    info.fields.push_back(map_field(field));
    if (info.modified_field_id.empty() && watches_every_field(field))
      info.modified_field_id = info.fields.back().id;
  }
  return info;
}

}  // namespace

const FieldInfo* TableInfo::field(const std::string& field_id) const {
  for (const auto& f : fields)
    if (f.id == field_id) return &f;
  return nullptr;
}

std::vector<TableInfo> fetch_tables(const AirtableApi& api) {
  const Settings& s = api.settings();
  const ApiResult result = api.get("/meta/bases/" + plugin::url_encode(s.base_id) + "/tables");
  if (!result.ok()) throw call_error(result, "reading the schema of base " + s.base_id);
  std::vector<TableInfo> tables;
  if (result.body.is_object() && result.body.contains("tables") && result.body["tables"].is_array()) {
    for (const json& table : result.body["tables"])
      if (table.is_object()) tables.push_back(map_table(table));
  }
  std::lock_guard lock(cache_mutex);
  if (cache.size() > 256) cache.clear();  // accounts come and go; a cold cache costs one request each
  cache[cache_key(s)] = CacheEntry{Clock::now(), tables};
  return tables;
}

TableInfo table_schema(const AirtableApi& api, const std::string& table) {
  std::vector<TableInfo> tables;
  {
    std::lock_guard lock(cache_mutex);
    const auto it = cache.find(cache_key(api.settings()));
    if (it != cache.end() && Clock::now() - it->second.fetched < kCacheTtl) tables = it->second.tables;
  }
  const auto find = [&]() -> const TableInfo* {
    for (const auto& t : tables)
      if (t.id == table) return &t;
    for (const auto& t : tables)
      if (t.name == table) return &t;
    return nullptr;
  };
  // A table missing from a cached schema may be new: look again before saying it does not exist.
  if (tables.empty() || !find()) tables = fetch_tables(api);
  if (const TableInfo* t = find()) return *t;
  throw Error("not_found", "Airtable base " + api.settings().base_id + " has no table " + table);
}

json describe_table(const TableInfo& table) {
  json fields = json::array();
  for (const auto& f : table.fields)
    fields.push_back(describe_field(f));
  // Records are addressed by Airtable's rec... id, which is not a field.
  return {{"id", table.id},
          {"name", table.name},
          {"primary_key", json::array()},
          {"read_only", false},
          {"fields", std::move(fields)}};
}

}  // namespace scratch::airtable

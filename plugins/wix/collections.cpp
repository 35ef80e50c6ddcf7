#include "collections.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <scratch/plugin_util.hpp>

namespace scratch::wix {

using plugin::Error;
using plugin::json;

namespace {

using Clock = std::chrono::steady_clock;

// Short enough that a changed schema shows up within a minute; list_tables (run at every download's start)
// and every write fetch it fresh.
constexpr auto kCacheTtl = std::chrono::seconds(60);
constexpr int kCollectionsPerPage = 50;

struct CacheEntry {
  Clock::time_point fetched;
  CollectionInfo collection;
};

std::mutex cache_mutex;
std::map<std::string, CacheEntry> cache;

// Keyed by account, address, site and collection: nothing leaks between accounts or sites.
std::string cache_key(const Settings& s, const std::string& id) {
  return s.account_id + '\n' + s.base_url + '\n' + s.site_id + '\n' + id;
}

void remember(const Settings& s, const CollectionInfo& c) {
  std::lock_guard lock(cache_mutex);
  if (cache.size() > 1024) cache.clear();  // accounts come and go; a cold cache costs one request each
  cache[cache_key(s, c.id)] = CacheEntry{Clock::now(), c};
}

// A collection we can write is one whose data operations include the bulk writes we use.
bool writable(const json& collection) {
  const json caps = collection.value("capabilities", json::object());
  const json ops = caps.is_object() ? caps.value("dataOperations", json()) : json();
  if (!ops.is_array()) return collection.value("collectionType", "NATIVE") == "NATIVE";
  for (const char* needed : {"BULK_INSERT", "BULK_UPDATE", "BULK_REMOVE"})
    if (std::find(ops.begin(), ops.end(), json(needed)) == ops.end()) return false;
  return true;
}

CollectionInfo map_collection(const json& collection) {
  CollectionInfo info;
  info.id = collection.value("id", "");
  info.name = collection.value("displayName", info.id);
  if (info.name.empty()) info.name = info.id;
  info.read_only = !writable(collection);
  for (const json& field : collection.value("fields", json::array()))
    if (field.is_object() && field.contains("key") && field["key"].is_string())
      info.fields.push_back(map_field(field));
  return info;
}

}  // namespace

const FieldInfo* CollectionInfo::field(const std::string& key) const {
  for (const auto& f : fields)
    if (f.key == key) return &f;
  return nullptr;
}

std::vector<CollectionInfo> fetch_collections(const WixApi& api) {
  std::vector<CollectionInfo> out;
  for (int offset = 0;; offset += kCollectionsPerPage) {
    const ApiResult result =
        api.send("GET", "/wix-data/v2/collections?paging.limit=" + std::to_string(kCollectionsPerPage) +
                            "&paging.offset=" + std::to_string(offset));
    if (!result.ok())
      throw call_error(result, "listing the data collections of site " + api.settings().site_id);
    const json list = result.body.is_object() ? result.body.value("collections", json()) : json();
    if (!list.is_array()) break;
    for (const json& c : list) {
      if (!c.is_object() || !c.contains("id") || !c["id"].is_string()) continue;
      out.push_back(map_collection(c));
      remember(api.settings(), out.back());
    }
    const json meta = result.body.value("pagingMetadata", json::object());
    const bool more = meta.is_object() && meta.contains("hasNext")
                          ? meta.value("hasNext", false)
                          : static_cast<int>(list.size()) == kCollectionsPerPage;
    if (!more || list.empty()) break;
  }
  return out;
}

CollectionInfo collection_schema(const WixApi& api, const std::string& id, bool fresh) {
  if (!fresh) {
    std::lock_guard lock(cache_mutex);
    const auto it = cache.find(cache_key(api.settings(), id));
    if (it != cache.end() && Clock::now() - it->second.fetched < kCacheTtl) return it->second.collection;
  }
  const ApiResult result = api.send("GET", "/wix-data/v2/collections/" + plugin::url_encode(id));
  if (!result.ok()) throw call_error(result, "reading the schema of collection " + id);
  const json collection = result.body.is_object() ? result.body.value("collection", json()) : json();
  if (!collection.is_object()) throw Error("not_found", "Wix returned no collection " + id);
  CollectionInfo info = map_collection(collection);
  remember(api.settings(), info);
  return info;
}

json describe_table(const CollectionInfo& collection) {
  json fields = json::array();
  for (const auto& f : collection.fields)
    fields.push_back(describe_field(f));
  return {{"id", collection.id},
          {"name", collection.name},
          {"primary_key", json::array({"_id"})},
          {"read_only", collection.read_only},
          {"fields", std::move(fields)}};
}

}  // namespace scratch::wix

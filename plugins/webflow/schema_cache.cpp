#include "schema_cache.hpp"

#include <chrono>
#include <map>
#include <mutex>

namespace scratch::webflow {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kTtl = std::chrono::seconds(60);
constexpr std::size_t kMaxEntries = 256;

struct Entry {
  Clock::time_point at;
  Collection collection;
};

// Calls run on several threads at once: the map is shared, so guarded.
std::mutex& cache_mutex() {
  static std::mutex m;
  return m;
}
std::map<std::string, Entry>& cache() {
  static auto* entries = new std::map<std::string, Entry>;  // never destroyed: runners may be killed anyway
  return *entries;
}

// Keyed by account and address too: two accounts may see different sites under one collection id.
std::string key_of(const WebflowApi& api, const std::string& collection_id) {
  const Settings& s = api.settings();
  return s.account_id + '\n' + s.base_url + '\n' + s.site_id + '\n' + collection_id;
}

}  // namespace

void remember_collection(const WebflowApi& api, const Collection& collection) {
  std::lock_guard lock(cache_mutex());
  auto& entries = cache();
  if (entries.size() >= kMaxEntries) entries.clear();  // a crude bound; entries are cheap to refetch
  entries[key_of(api, collection.id)] = Entry{Clock::now(), collection};
}

Collection load_collection(const WebflowApi& api, const std::string& collection_id, bool fresh) {
  if (!fresh) {
    std::lock_guard lock(cache_mutex());
    const auto it = cache().find(key_of(api, collection_id));
    if (it != cache().end() && Clock::now() - it->second.at < kTtl) return it->second.collection;
  }
  Collection c =
      parse_collection(api.get("/collections/" + collection_id, "reading collection " + collection_id));
  if (c.id.empty()) c.id = collection_id;
  remember_collection(api, c);
  return c;
}

}  // namespace scratch::webflow

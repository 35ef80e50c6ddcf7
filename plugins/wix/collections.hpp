// Data collections: the site's tables, their fields, and a short-lived cache of them per account.
#pragma once

#include <scratch/plugin.hpp>
#include <string>
#include <vector>

#include "field_types.hpp"
#include "wix_api.hpp"

namespace scratch::wix {

struct CollectionInfo {
  std::string id;  // dataCollectionId, e.g. "Books" or "Members/PublicData"
  std::string name;
  bool read_only = false;  // a Wix app collection (or one whose data operations exclude our writes)
  std::vector<FieldInfo> fields;
  const FieldInfo* field(const std::string& key) const;
};

// Every collection of the site (all pages of GET /wix-data/v2/collections); refreshes the cache.
std::vector<CollectionInfo> fetch_collections(const WixApi& api);

// One collection: from the cache (60 s) unless `fresh`, else GET /wix-data/v2/collections/{id}. Throws
// Error("not_found") when the site has no such collection.
CollectionInfo collection_schema(const WixApi& api, const std::string& id, bool fresh);

// The list_tables form.
plugin::json describe_table(const CollectionInfo& collection);

}  // namespace scratch::wix

// Collections' schemas, fetched from Webflow and kept briefly in memory: read needs the schema for every page
// (option ids to names, references to links), and at 60 requests a minute a fetch per page would halve the
// download speed.
#pragma once

#include <string>

#include "schema.hpp"
#include "webflow_api.hpp"

namespace scratch::webflow {

// The collection's schema: from the cache when `fresh` is false and a copy younger than a minute exists for
// this account, else from GET /collections/{id} (which refreshes the cache). Writes ask for a fresh one so
// option ids are never stale.
Collection load_collection(const WebflowApi& api, const std::string& collection_id, bool fresh);

// Puts a schema fetched elsewhere (list_tables) into the cache.
void remember_collection(const WebflowApi& api, const Collection& collection);

}  // namespace scratch::webflow

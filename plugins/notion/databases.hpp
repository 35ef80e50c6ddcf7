// Databases as tables: which ones (the configured ids, or every database shared with the integration, found
// with POST /search) and their properties as fields.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "notion_api.hpp"

namespace scratch::notion {

// Every table the account offers: {id, name, primary_key, read_only, fields}.
nlohmann::json list_databases(const NotionApi& api, const nlohmann::json& config);

// A database's properties by property id: {"type", "name"} each, for encoding writes.
using PropertyTypes = std::map<std::string, nlohmann::json>;

// The properties of a database, kept per account for a minute: a write batch is one page, and fetching the
// schema for each would double the requests at Notion's 3 per second. `refresh` skips the cache.
PropertyTypes database_properties(const NotionApi& api, const std::string& account_id,
                                  const std::string& database_id, bool refresh = false);

}  // namespace scratch::notion

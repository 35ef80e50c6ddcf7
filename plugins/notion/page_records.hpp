// A Notion page object as a record: {id, fields (by property id), updated_at}.
#pragma once

#include <nlohmann/json.hpp>

#include "notion_api.hpp"

namespace scratch::notion {

// Relations Notion truncated in the page object (has_more: true, beyond 25) are fetched whole first, so a
// record never holds a partial relation that a later write would send back as the full list.
nlohmann::json page_fields(const NotionApi& api, const nlohmann::json& page);

nlohmann::json page_record(const NotionApi& api, const nlohmann::json& page);

}  // namespace scratch::notion

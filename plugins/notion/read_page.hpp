// One page of a database's records: POST /databases/{id}/query with Notion's cursor.
#pragma once

#include <nlohmann/json.hpp>

#include "notion_api.hpp"

namespace scratch::notion {

// request: {table, cursor, page_size}. The cursor is Notion's next_cursor as it came; the table id and the
// fixed sort (created_time ascending) are all a continuation needs.
nlohmann::json read_page(const NotionApi& api, const nlohmann::json& request);

}  // namespace scratch::notion

// Creates, updates and archives, one page per request (Notion has no batch writes), with one result per op.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "notion_api.hpp"

namespace scratch::notion {

// request: {table, ops: [{op, ref, id?, fields?}]} -> {results: [...]} in the ops' order. Throws a call-level
// error only while nothing has been sent that Notion may have applied.
nlohmann::json write_ops(const NotionApi& api, const std::string& account_id, const nlohmann::json& request);

}  // namespace scratch::notion

#include "read_page.hpp"

#include <algorithm>
#include <string>

#include "page_records.hpp"
#include "spec.hpp"

namespace scratch::notion {

using nlohmann::json;
using plugin::Error;

json read_page(const NotionApi& api, const json& request) {
  const std::string table = request.value("table", "");
  if (table.empty()) throw Error("invalid_request", "request.table is required");
  int page_size = kMaxPageSize;
  if (request.contains("page_size") && request["page_size"].is_number_integer())
    page_size = std::clamp(request["page_size"].get<int>(), 1, kMaxPageSize);
  // A stable order, so pages follow one another while pages are added or edited in between.
  json body = {{"page_size", page_size},
               {"sorts", json::array({{{"timestamp", "created_time"}, {"direction", "ascending"}}})}};
  const json cursor = request.value("cursor", json());
  if (cursor.is_string() && !cursor.get<std::string>().empty()) {
    body["start_cursor"] = cursor;  // only when there is one: Notion refuses start_cursor: null
  } else if (!cursor.is_null() && !cursor.is_string()) {
    throw Error("invalid_cursor", "the Notion cursor must be a string");
  }
  const plugin::HttpResponse response =
      api.send("POST", "/databases/" + path_segment(table) + "/query", body);
  if (response.status == 400 && cursor.is_string() &&
      notion_error_text(response).find("start_cursor") != std::string::npos) {
    throw Error("invalid_cursor",
                "Notion no longer accepts this cursor (" + notion_error_text(response) + ")");
  }
  if (response.status != 200) fail(response, "the query of database " + table);
  const json page = json::parse(response.body, nullptr, false);
  if (!page.is_object())
    throw Error("connection_failed", "Notion answered the query with a body that is not JSON", true);

  json records = json::array();
  for (const json& p : page.value("results", json::array())) {
    if (p.is_object() && p.value("object", "") == "page") records.push_back(page_record(api, p));
  }
  const json next = page.value("next_cursor", json());
  if (page.contains("request_status") && page["request_status"].value("type", "") == "incomplete") {
    api.host().warn("Notion stopped the query of " + table + " at its result limit; later pages are missing");
  }
  return {{"records", std::move(records)},
          {"next_cursor", page.value("has_more", false) && next.is_string() ? next : json()}};
}

}  // namespace scratch::notion

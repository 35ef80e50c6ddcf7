#include "read_page.hpp"

#include <algorithm>

#include "item_values.hpp"
#include "spec.hpp"

namespace scratch::wix {

using plugin::Error;
using plugin::json;

namespace {

constexpr const char* kCursorPrefix = "after:";

// The cursor is the last _id returned ("after:<id>"); null starts at the beginning.
std::string decode_cursor(const json& cursor) {
  if (cursor.is_null()) return "";
  const std::string text = cursor.is_string() ? cursor.get<std::string>() : "";
  if (text.rfind(kCursorPrefix, 0) != 0 || text.size() == std::string(kCursorPrefix).size())
    throw Error("invalid_cursor", "not a Wix read cursor: " + text.substr(0, 60));
  return text.substr(std::string(kCursorPrefix).size());
}

}  // namespace

json read_page(const WixApi& api, const CollectionInfo& collection, const json& request) {
  const std::string after = decode_cursor(request.value("cursor", json()));
  int limit = kMaxPageSize;
  const auto size = request.find("page_size");
  if (size != request.end() && size->is_number_integer())
    limit = std::clamp(size->get<int>(), 1, kMaxPageSize);

  json query = {{"sort", json::array({{{"fieldName", "_id"}, {"order", "ASC"}}})},
                {"paging", {{"limit", limit}, {"offset", 0}}}};
  if (!after.empty()) query["filter"] = {{"_id", {{"$gt", after}}}};
  json body = {{"dataCollectionId", collection.id},
               {"query", std::move(query)},
               // Right after a publish the next download must see what was written.
               {"consistentRead", true},
               {"returnTotalCount", after.empty()}};
  // Multi-reference values are not part of an item's data unless asked for (up to 50 per item).
  json include = json::array();
  for (const auto& f : collection.fields)
    if (f.wix_type == "MULTI_REFERENCE") include.push_back(f.key);
  if (!include.empty()) body["includeReferencedItems"] = std::move(include);

  const ApiResult result = api.send("POST", "/wix-data/v2/items/query", body);
  if (!result.ok()) throw call_error(result, "querying the items of collection " + collection.id);
  const json items =
      result.body.is_object() && result.body.contains("dataItems") && result.body["dataItems"].is_array()
          ? result.body["dataItems"]
          : json::array();

  json records = json::array();
  std::string last;
  for (const json& item : items) {
    if (!item.is_object()) continue;
    const json data = item.value("data", json::object());
    const std::string id = item.contains("id") && item["id"].is_string()
                               ? item["id"].get<std::string>()
                               : (data.is_object() ? data.value("_id", "") : "");
    if (id.empty()) continue;
    last = id;
    json fields = canonical_fields(collection, data);
    const json updated = fields.contains("_updatedDate") ? fields["_updatedDate"] : json();
    records.push_back(
        {{"id", id}, {"fields", std::move(fields)}, {"updated_at", updated.is_string() ? updated : json()}});
  }

  json page = {{"records", std::move(records)}, {"next_cursor", nullptr}};
  const json meta =
      result.body.is_object() ? result.body.value("pagingMetadata", json::object()) : json::object();
  if (meta.is_object() && meta.contains("total") && meta["total"].is_number_integer())
    page["total"] = meta["total"];
  // hasNext says whether more items follow; without it a full page may have a successor.
  const bool more = meta.is_object() && meta.contains("hasNext") && meta["hasNext"].is_boolean()
                        ? meta["hasNext"].get<bool>()
                        : static_cast<int>(items.size()) >= limit;
  if (more && !last.empty()) page["next_cursor"] = kCursorPrefix + last;
  return page;
}

}  // namespace scratch::wix

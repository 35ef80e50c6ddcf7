#include "read_page.hpp"

#include <algorithm>
#include <cctype>

#include "record_codec.hpp"
#include "spec.hpp"

namespace scratch::webflow {

using plugin::Error;
using plugin::json;

namespace {

constexpr const char* kCursorPrefix = "o:";

long long decode_cursor(const json& cursor) {
  if (cursor.is_null()) return 0;
  const std::string text = cursor.is_string() ? cursor.get<std::string>() : "";
  const std::string digits = text.rfind(kCursorPrefix, 0) == 0 ? text.substr(2) : "";
  if (digits.empty() || digits.size() > 12 ||
      !std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); })) {
    throw Error("invalid_cursor", "not a Webflow read cursor: " + text.substr(0, 40));
  }
  return std::stoll(digits);
}

}  // namespace

json read_page(const WebflowApi& api, const Collection& collection, const json& request) {
  const long long offset = decode_cursor(request.value("cursor", json()));
  int limit = kMaxPageSize;
  const auto size = request.find("page_size");
  if (size != request.end() && size->is_number_integer())
    limit = std::clamp(size->get<int>(), 1, kMaxPageSize);

  const std::string path = "/collections/" + collection.id + "/items?offset=" + std::to_string(offset) +
                           "&limit=" + std::to_string(limit) + "&sortBy=createdOn&sortOrder=asc";
  const json body = api.get(path, "listing items of " + collection.name);
  const json items = body.contains("items") && body["items"].is_array() ? body["items"] : json::array();

  json records = json::array();
  for (const json& item : items)
    if (item.is_object()) records.push_back(record_of(collection, item));

  json page = {{"records", std::move(records)}, {"next_cursor", nullptr}};
  const json pagination = body.value("pagination", json::object());
  const long long next = offset + static_cast<long long>(items.size());
  if (pagination.is_object() && pagination.contains("total") && pagination["total"].is_number_integer()) {
    const long long total = pagination["total"].get<long long>();
    page["total"] = total;
    // A short page is not the end while the total says more remain (the server may cap pages).
    if (!items.empty() && next < total) page["next_cursor"] = kCursorPrefix + std::to_string(next);
  } else if (static_cast<int>(items.size()) >= limit) {
    page["next_cursor"] = kCursorPrefix + std::to_string(next);  // no total: a full page may have a successor
  }
  return page;
}

}  // namespace scratch::webflow

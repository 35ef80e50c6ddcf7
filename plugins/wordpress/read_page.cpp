#include "read_page.hpp"

#include <algorithm>
#include <scratch/plugin_util.hpp>

#include "post_values.hpp"
#include "read_cursor.hpp"
#include "spec.hpp"

namespace scratch::wordpress {

using plugin::Error;
using plugin::json;

namespace {

struct Listing {
  json posts = json::array();
  long long total = 0;
  long long start = 0;  // the offset of the first post of `posts` in the listing
};

long long header_number(const ApiResult& result, const char* name, long long fallback) {
  const auto it = result.headers.find(name);
  if (it == result.headers.end()) return fallback;
  try {
    return std::stoll(it->second);
  } catch (const std::exception&) {
    return fallback;
  }
}

// The posts at `offset`: by page number when the offset falls on a page boundary (the documented way), by
// `offset` otherwise. Asking past the last page is WordPress's 400 rest_post_invalid_page_number; the listing
// shrank since the cursor was made, so it is asked again by offset, which answers with the new total.
Listing list(const WordPressApi& api, const std::string& table, int page_size, long long offset) {
  const std::string base =
      "/" + plugin::url_encode(table) +
      "?context=edit&status=any&orderby=id&order=asc&per_page=" + std::to_string(page_size);
  const bool by_page = offset % page_size == 0;
  std::string path = by_page ? base + "&page=" + std::to_string(offset / page_size + 1)
                             : base + "&offset=" + std::to_string(offset);
  ApiResult result = api.get(path);
  if (by_page && result.status == 400 && result.code == "rest_post_invalid_page_number")
    result = api.get(base + "&offset=" + std::to_string(offset));
  if (!result.ok()) throw call_error(result, "listing " + table);
  if (!result.body.is_array())
    throw Error("connection_failed",
                "WordPress answered the listing of " + table +
                    " with something that is not a "
                    "JSON array (is config.site_url a WordPress site?)",
                true);
  Listing out;
  out.posts = std::move(result.body);
  out.total = header_number(result, "x-wp-total", offset + static_cast<long long>(out.posts.size()));
  out.start = offset;
  return out;
}

long long id_of(const json& post) {
  const json id = post.is_object() ? post.value("id", json()) : json();
  return id.is_number_integer() ? id.get<long long>() : 0;
}

}  // namespace

json read_page(const WordPressApi& api, const json& request) {
  const auto table = request.find("table");
  if (table == request.end() || !table->is_string())
    throw Error("invalid_request", "request.table is required");
  int page_size = kMaxPageSize;
  if (request.contains("page_size") && request["page_size"].is_number_integer())
    page_size = std::clamp(request["page_size"].get<int>(), 1, kMaxPageSize);
  ReadCursor cursor = parse_cursor(request.value("cursor", json()));

  Listing page = list(api, *table, page_size, cursor.offset);
  if (cursor.total >= 0 && page.total < cursor.total && cursor.offset > 0) {
    // Posts were deleted (or trashed) since the last page: the ones after them moved up, so start earlier
    // by as many and skip what was already returned (ids only grow along the listing).
    const long long back = std::max(0LL, cursor.offset - (cursor.total - page.total));
    api.host().info("wordpress: " + table->get<std::string>() + " shrank from " +
                    std::to_string(cursor.total) + " to " + std::to_string(page.total) +
                    " posts during the download; re-reading from " + std::to_string(back));
    page = list(api, *table, page_size, back);
  }

  json records = json::array();
  for (const json& post : page.posts) {
    const long long id = id_of(post);
    if (id == 0 || id <= cursor.last_id) continue;  // seen on an earlier page
    records.push_back(post_record(post));
    cursor.last_id = id;
  }
  cursor.offset = page.start + static_cast<long long>(page.posts.size());
  cursor.total = page.total;
  const bool more = !page.posts.empty() && cursor.offset < page.total;
  return {{"records", std::move(records)},
          {"next_cursor", more ? json(make_cursor(cursor)) : json(nullptr)},
          {"total", page.total}};
}

}  // namespace scratch::wordpress

#include "read_page.hpp"

#include <algorithm>
#include <scratch/plugin_util.hpp>

#include "cell_values.hpp"
#include "read_cursor.hpp"
#include "spec.hpp"

namespace scratch::airtable {

using plugin::Error;
using plugin::json;

namespace {

struct Listing {
  json records = json::array();
  std::string offset;  // empty on the last page
};

Listing list(const AirtableApi& api, const TableInfo& table, int page_size, const std::string& offset,
             ApiResult* refused) {
  std::string path =
      api.table_path(table.id) + "?pageSize=" + std::to_string(page_size) + "&returnFieldsByFieldId=true";
  if (!offset.empty()) path += "&offset=" + plugin::url_encode(offset);
  const ApiResult result = api.get(path);
  if (!result.ok()) {
    if (refused) *refused = result;
    return {};
  }
  Listing out;
  if (result.body.is_object()) {
    if (result.body.contains("records") && result.body["records"].is_array())
      out.records = result.body["records"];
    if (result.body.contains("offset") && result.body["offset"].is_string())
      out.offset = result.body["offset"];
  }
  return out;
}

// The offset expired: list again from the start and resume after the last record returned. Record order
// without a sort is Airtable's own but stable, so that record marks the place; if it was deleted since,
// nothing does, and the download has to start over.
Listing resume_after(const AirtableApi& api, plugin::Host& host, const TableInfo& table, int page_size,
                     const std::string& last_record) {
  std::string offset;
  for (;;) {
    host.throw_if_cancelled();
    ApiResult refused;
    Listing page = list(api, table, page_size, offset, &refused);
    if (refused.status != 0)
      throw call_error(refused, "listing " + table.name + " again after an expired offset");
    const auto& records = page.records;
    const auto it = std::find_if(records.begin(), records.end(), [&](const json& r) {
      return r.is_object() && r.value("id", "") == last_record;
    });
    if (it != records.end()) {
      Listing rest;
      rest.records = json(std::vector<json>(std::next(it), records.end()));
      rest.offset = page.offset;
      return rest;
    }
    if (page.offset.empty()) {
      throw Error("invalid_cursor", "the Airtable listing of " + table.name + " expired and record " +
                                        last_record + " where it stopped is gone; download the table again");
    }
    offset = page.offset;
  }
}

}  // namespace

json read_page(const AirtableApi& api, plugin::Host& host, const TableInfo& table, const json& request) {
  int page_size = kMaxPageSize;
  if (request.contains("page_size") && request["page_size"].is_number_integer())
    page_size = std::clamp(request["page_size"].get<int>(), 1, kMaxPageSize);
  const ReadCursor cursor = parse_cursor(request.value("cursor", json()));

  ApiResult refused;
  Listing page = list(api, table, page_size, cursor.offset, &refused);
  if (refused.status != 0) {
    if (refused.status == 422 && refused.type == "LIST_RECORDS_ITERATOR_NOT_AVAILABLE" &&
        !cursor.last_record.empty()) {
      host.info("offset of " + table.id + " expired; resuming after " + cursor.last_record);
      page = resume_after(api, host, table, page_size, cursor.last_record);
    } else {
      throw call_error(refused, "listing records of " + table.name);
    }
  }

  json records = json::array();
  std::string last = cursor.last_record;
  for (const json& r : page.records) {
    if (!r.is_object() || !r.contains("id") || !r["id"].is_string()) continue;
    const json fields = r.value("fields", json::object());
    json updated_at;
    if (!table.modified_field_id.empty() && fields.is_object() && fields.contains(table.modified_field_id) &&
        fields[table.modified_field_id].is_string())
      updated_at = fields[table.modified_field_id];
    last = r["id"].get<std::string>();
    records.push_back(
        {{"id", last}, {"fields", canonical_fields(table, fields)}, {"updated_at", updated_at}});
  }
  // Airtable gives an offset only when more records remain.
  const json next = page.offset.empty() ? json() : make_cursor({page.offset, last});
  return {{"records", std::move(records)}, {"next_cursor", next}};
}

}  // namespace scratch::airtable

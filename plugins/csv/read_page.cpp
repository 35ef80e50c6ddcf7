// Reads one page: seek to the cursor's byte offset, parse page_size records, hand out the next offset.
#include "read_page.hpp"

#include <string>
#include <vector>

#include "cell_values.hpp"
#include "read_cursor.hpp"
#include "table_schema.hpp"

namespace scratch::csv {

using plugin::Error;
using plugin::json;

namespace {

int page_size_of(const json& request) {
  const auto it = request.find("page_size");
  if (it == request.end() || it->is_null()) return kDefaultPageSize;
  if (!it->is_number_integer() || it->get<std::int64_t>() < 1) {
    throw Error("invalid_request", "page_size must be a positive integer");
  }
  const std::int64_t size = it->get<std::int64_t>();
  return size > kMaxPageSize ? kMaxPageSize : static_cast<int>(size);
}

}  // namespace

json read_page(const VersionStore& store, const ConnectorConfig& config, const json& request,
               const plugin::Host& host) {
  require_table(request);
  const int page_size = page_size_of(request);
  const unsigned version = store.require_current();

  ReadCursor cursor;
  const auto cursor_it = request.find("cursor");
  const bool resuming = cursor_it != request.end() && !cursor_it->is_null();
  if (resuming) {
    if (!cursor_it->is_string()) throw Error("invalid_cursor", "cursor must be a string or null");
    cursor = decode_cursor(cursor_it->get<std::string>());
    if (cursor.version != version) {
      throw Error("cursor_stale", "the file changed (version " + std::to_string(cursor.version) + " → " +
                                      std::to_string(version) + "); start reading again");
    }
  }

  const std::filesystem::path file = store.path_of(version);
  // The schema (and its type sample) is rebuilt per page: versions are immutable, so every page of one
  // cursor chain sees the same types, and the sample is small next to a page.
  const TableSchema schema = load_schema(file, config);
  if (resuming) {
    if (cursor.position.offset < schema.data_start.offset ||
        cursor.position.offset > std::filesystem::file_size(file)) {
      throw Error("invalid_cursor", "cursor points outside the file");
    }
  } else {
    cursor = {version, schema.data_start, 0};
  }

  CsvReader reader(file, reader_options(config, schema), cursor.position);
  json records = json::array();
  std::vector<std::string> row;
  std::uint64_t row_number = cursor.rows_before;
  Position after_page = cursor.position;
  for (int n = 0; n < page_size && reader.next(row); ++n) {
    ++row_number;
    json fields = json::object();
    for (std::size_t i = 0; i < row.size(); ++i)
      fields[schema.fields[i].id] = cell_to_json(row[i], schema.fields[i].type);
    // Row-number ids count data rows in this version: a delete shifts every later row's id down by one.
    // Configure id_column for ids that stay put.
    std::string id = schema.id_index ? row[*schema.id_index] : std::to_string(row_number);
    records.push_back({{"id", std::move(id)}, {"fields", std::move(fields)}, {"updated_at", nullptr}});
    after_page = reader.position();
  }
  host.throw_if_cancelled();

  // One record of look-ahead, so the last page says next_cursor null instead of leading to an empty page.
  json next_cursor = nullptr;
  if (static_cast<int>(records.size()) == page_size && reader.next(row)) {
    next_cursor = encode_cursor({version, after_page, row_number});
  }
  return {{"records", std::move(records)}, {"next_cursor", std::move(next_cursor)}};
}

}  // namespace scratch::csv

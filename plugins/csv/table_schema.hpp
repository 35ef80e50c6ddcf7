// The single table a CSV version exposes: field ids from the header, types from a sample of rows.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connector_config.hpp"
#include "csv_reader.hpp"
#include "scratch/plugin.hpp"
#include "type_inference.hpp"

namespace scratch::csv {

inline constexpr const char* kTableId = "rows";

struct Field {
  std::string id;    // unique: the header name, de-duplicated as name_2, name_3, ...
  std::string name;  // the header name as written (column_<n> when empty)
  ColumnType type = ColumnType::kText;
};

struct TableSchema {
  std::vector<std::string> header;  // exactly as in the file, written back unchanged on every new version
  std::vector<Field> fields;
  std::optional<std::size_t> id_index;  // the id_column's position, when configured
  Position data_start;                  // just after the header row

  // Position of the field with this id, or nullopt. A linear scan: tables have tens of columns.
  std::optional<std::size_t> index_of(std::string_view id) const;
};

// Field ids for a header: empty names become column_<n> (1-based); repeats get _2, _3, ... skipping any
// id already taken.
std::vector<Field> fields_from_header(const std::vector<std::string>& header);

// Reads the header of `file` and, when `sample` and config.infer_types, types from up to
// TypeInference::kSampleRows data rows. Throws CsvError for malformed input, plugin::Error("csv_malformed")
// for a file without a header and plugin::Error("invalid_config") for an unknown id_column.
TableSchema load_schema(const std::filesystem::path& file, const ConnectorConfig& config, bool sample = true);

// Throws plugin::Error unless `request` is an object naming this connector's one table.
void require_table(const plugin::json& request);

ReaderOptions reader_options(const ConnectorConfig& config, const TableSchema& schema);

// The list_tables entry for this schema.
plugin::json table_json(const TableSchema& schema, const ConnectorConfig& config);

}  // namespace scratch::csv

// Builds the CSV table's schema from the current version's header and a sample of its rows.
#include "table_schema.hpp"

#include <unordered_set>

namespace scratch::csv {

using plugin::Error;
using plugin::json;

std::optional<std::size_t> TableSchema::index_of(std::string_view id) const {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].id == id) return i;
  }
  return std::nullopt;
}

std::vector<Field> fields_from_header(const std::vector<std::string>& header) {
  std::vector<Field> fields(header.size());
  for (std::size_t i = 0; i < header.size(); ++i) {
    fields[i].name = header[i].empty() ? "column_" + std::to_string(i + 1) : header[i];
  }
  // Names first, so "a,a,a_2" keeps the literal a_2 and numbers the repeat of "a" as a_3.
  std::unordered_set<std::string> taken;
  for (const Field& f : fields)
    taken.insert(f.name);
  std::unordered_set<std::string> used;
  for (Field& f : fields) {
    if (used.insert(f.name).second) {
      f.id = f.name;
      continue;
    }
    for (std::size_t n = 2;; ++n) {
      std::string candidate = f.name + "_" + std::to_string(n);
      if (taken.count(candidate) == 0 && used.count(candidate) == 0) {
        f.id = candidate;
        used.insert(std::move(candidate));
        break;
      }
    }
  }
  return fields;
}

TableSchema load_schema(const std::filesystem::path& file, const ConnectorConfig& config, bool sample) {
  CsvReader reader(file, ReaderOptions{config.delimiter});
  TableSchema schema;
  if (!reader.next(schema.header)) throw Error("csv_malformed", "line 1: the file is empty (no header row)");
  schema.data_start = reader.position();
  schema.fields = fields_from_header(schema.header);

  if (config.id_column) {
    schema.id_index = schema.index_of(*config.id_column);
    if (!schema.id_index) {
      throw Error("invalid_config", "id_column \"" + *config.id_column + "\" is not a column of the file");
    }
  }

  if (sample && config.infer_types) {
    TypeInference inference(schema.header.size());
    std::vector<std::string> row;
    for (std::size_t n = 0; n < TypeInference::kSampleRows && reader.next(row); ++n)
      inference.add(row);
    const std::vector<ColumnType> types = inference.types();
    for (std::size_t i = 0; i < types.size(); ++i)
      schema.fields[i].type = types[i];
  }
  return schema;
}

void require_table(const json& request) {
  if (!request.is_object()) throw Error("invalid_request", "the request must be an object");
  const auto it = request.find("table");
  if (it == request.end() || !it->is_string()) throw Error("invalid_request", "the request names no table");
  if (it->get<std::string>() != kTableId) {
    throw Error("not_found", "no table \"" + it->get<std::string>() + "\" (the CSV table is \"rows\")");
  }
}

ReaderOptions reader_options(const ConnectorConfig& config, const TableSchema& schema) {
  ReaderOptions options;
  options.delimiter = config.delimiter;
  options.expected_fields = schema.header.size();
  return options;
}

json table_json(const TableSchema& schema, const ConnectorConfig& config) {
  json fields = json::array();
  for (const Field& f : schema.fields) {
    fields.push_back(
        {{"id", f.id}, {"name", f.name}, {"type", column_type_name(f.type)}, {"read_only", false}});
  }
  return {{"id", kTableId},
          {"name", config.table_name},
          {"primary_key", json::array({config.id_column ? schema.fields[*schema.id_index].id : "_row"})},
          {"read_only", false},
          {"fields", std::move(fields)}};
}

}  // namespace scratch::csv

// The CSV connector plugin: one uploaded CSV file, kept as immutable versions in the account's files_dir,
// exposed as a single read-write table. This file wires the contract calls to the parts that do the work.
#include <string>

#include "connector_config.hpp"
#include "csv_reader.hpp"
#include "read_page.hpp"
#include "scratch/plugin.hpp"
#include "table_schema.hpp"
#include "version_store.hpp"
#include "write_batch.hpp"

namespace scratch::csv {
namespace {

using plugin::Call;
using plugin::Error;
using plugin::Host;
using plugin::json;

// CsvError stays free of the SDK (it lives in csv_format); here it becomes the contract's error code.
template <typename Fn>
json reporting_malformed(Fn&& fn) {
  try {
    return fn();
  } catch (const CsvError& e) {
    throw Error("csv_malformed", e.what());
  }
}

class CsvConnector : public plugin::Connector {
 public:
  json check(Host&, const Call& call) override {
    return reporting_malformed([&]() -> json {
      const ConnectorConfig config = parse_config(call.config);
      const VersionStore store = VersionStore::from_context(call.context);
      const unsigned version = store.require_current();
      const TableSchema schema = load_schema(store.path_of(version), config, /*sample=*/false);
      return {
          {"ok", true},
          {"message", std::to_string(schema.header.size()) + " columns, version " + std::to_string(version)}};
    });
  }

  json list_tables(Host&, const Call& call) override {
    return reporting_malformed([&]() -> json {
      const ConnectorConfig config = parse_config(call.config);
      const VersionStore store = VersionStore::from_context(call.context);
      const TableSchema schema = load_schema(store.path_of(store.require_current()), config);
      return {{"tables", json::array({table_json(schema, config)})}};
    });
  }

  json read(Host& host, const Call& call) override {
    return reporting_malformed([&]() -> json {
      return read_page(VersionStore::from_context(call.context), parse_config(call.config), call.request,
                       host);
    });
  }

  json write(Host& host, const Call& call) override {
    return reporting_malformed([&]() -> json {
      return write_batch(VersionStore::from_context(call.context), parse_config(call.config), call.request,
                         host);
    });
  }
};

}  // namespace
}  // namespace scratch::csv

SCRATCH_EXPORT_CONNECTOR(scratch::csv::CsvConnector, "csv", "1.0.0", R"json({
  "display_name": "CSV file",
  "description": "An uploaded CSV file as one table. Edits write a new version of the file; earlier versions are kept.",
  "capabilities": ["read", "create", "update", "delete"],
  "limits": {"max_page_size": 5000, "max_write_batch": 1000, "requests_per_second": 0},
  "source_file": {"extension": ".csv", "description": "The account is created from an upload; it becomes v000001.csv."},
  "config_schema": {
    "type": "object",
    "properties": {
      "infer_types": {"type": "boolean", "default": true,
                      "description": "Detect number, boolean and date columns from the first 1000 rows; off: every column is text."},
      "delimiter": {"type": "string", "minLength": 1, "maxLength": 1, "default": ",",
                    "description": "The field separator, e.g. ; or a tab."},
      "table_name": {"type": "string", "description": "The table's display name (default: CSV)."},
      "id_column": {"type": "string",
                    "description": "A column with unique values to use as record ids. Without it, ids are row numbers, which shift after a delete."}
    },
    "additionalProperties": false
  },
  "credentials_schema": {"type": "object", "additionalProperties": false}
})json")

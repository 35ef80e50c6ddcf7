// Parses the CSV connector's config, defensively: the host validates against the schema, but a plugin
// must not misbehave if it was not.
#include "connector_config.hpp"

namespace scratch::csv {

using plugin::Error;
using plugin::json;

ConnectorConfig parse_config(const json& config) {
  ConnectorConfig out;
  if (config.is_null()) return out;
  if (!config.is_object()) throw Error("invalid_config", "config must be an object");

  if (const auto it = config.find("infer_types"); it != config.end() && !it->is_null()) {
    if (!it->is_boolean()) throw Error("invalid_config", "infer_types must be a boolean");
    out.infer_types = it->get<bool>();
  }
  if (const auto it = config.find("delimiter"); it != config.end() && !it->is_null()) {
    const std::string d = it->is_string() ? it->get<std::string>() : std::string();
    // One byte: the reader works on bytes, and a multi-byte UTF-8 character would split mid-sequence.
    if (d.size() != 1 || static_cast<unsigned char>(d[0]) >= 0x80 || d[0] == '"' || d[0] == '\r' ||
        d[0] == '\n') {
      throw Error("invalid_config",
                  "delimiter must be a single ASCII character other than a quote or line break");
    }
    out.delimiter = d[0];
  }
  if (const auto it = config.find("table_name"); it != config.end() && !it->is_null()) {
    if (!it->is_string()) throw Error("invalid_config", "table_name must be a string");
    if (!it->get<std::string>().empty()) out.table_name = it->get<std::string>();
  }
  if (const auto it = config.find("id_column"); it != config.end() && !it->is_null()) {
    if (!it->is_string()) throw Error("invalid_config", "id_column must be a string");
    if (!it->get<std::string>().empty()) out.id_column = it->get<std::string>();
  }
  return out;
}

}  // namespace scratch::csv

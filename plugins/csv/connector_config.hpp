// The CSV connector's account config, parsed and checked once per call.
#pragma once

#include <optional>
#include <string>

#include "scratch/plugin.hpp"

namespace scratch::csv {

struct ConnectorConfig {
  bool infer_types = true;
  char delimiter = ',';
  std::string table_name = "CSV";
  std::optional<std::string> id_column;  // a field id; without it, records are numbered by row
};

// Throws plugin::Error("invalid_config") for a value the host's schema check cannot catch, e.g. a
// delimiter that is one character but not one byte, or a quote or line break as delimiter.
ConnectorConfig parse_config(const plugin::json& config);

}  // namespace scratch::csv

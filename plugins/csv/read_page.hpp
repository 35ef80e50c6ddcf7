// The read operation: one page of records from the current version, resumable by cursor.
#pragma once

#include "connector_config.hpp"
#include "scratch/plugin.hpp"
#include "version_store.hpp"

namespace scratch::csv {

inline constexpr int kDefaultPageSize = 500;
inline constexpr int kMaxPageSize = 5000;

// request {"table":"rows","cursor":string|null,"page_size":int}. Throws plugin::Error: "not_found"
// (table), "invalid_request", "invalid_cursor", "cursor_stale" (a newer version exists), or CsvError.
plugin::json read_page(const VersionStore& store, const ConnectorConfig& config, const plugin::json& request,
                       const plugin::Host& host);

}  // namespace scratch::csv

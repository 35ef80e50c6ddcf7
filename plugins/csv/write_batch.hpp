// The write operation: applies a batch of ops by writing the next version of the file.
#pragma once

#include "connector_config.hpp"
#include "scratch/plugin.hpp"
#include "version_store.hpp"

namespace scratch::csv {

inline constexpr std::size_t kMaxWriteBatch = 1000;

// request {"table":"rows","ops":[...]} → {"results":[...]}, one per op, in order. All ops resolve ids
// against the current version, which is streamed once; the new version is committed only if at least one
// op succeeded. Throws plugin::Error for a bad request, "write_conflict" when a concurrent write took the
// version number, or CsvError when the current version is malformed.
plugin::json write_batch(const VersionStore& store, const ConnectorConfig& config,
                         const plugin::json& request, const plugin::Host& host);

}  // namespace scratch::csv

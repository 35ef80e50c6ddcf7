// Indexes on demand for big tables: the first time a list sorts or filters a table of at least
// kIndexThreshold records by a field, a snapshot.index job builds an index on that field's value in the
// table's partition (CREATE INDEX CONCURRENTLY, so nothing waits for it). Pages are then served from the
// index instead of a scan and sort of the whole table. Full-text search gets a GIN index the same way.
#pragma once

#include <set>
#include <string>

#include "db/connection_pool.hpp"
#include "jobs/job_handler.hpp"

namespace scratch::snapshots {

constexpr long long kIndexThreshold = 20000;
constexpr const char* kIndexJob = "snapshot.index";
constexpr const char* kSearchIndex = "$search";  // the full-text index, requested like a field

// Asks for indexes on `fields` of the table when it is big enough and they are not there or requested yet.
void request_field_indexes(db::ConnectionPool& pool, const std::string& table_id,
                           const std::set<std::string>& fields);

nlohmann::json run_field_index(jobs::JobContext& ctx, db::ConnectionPool& pool);

}  // namespace scratch::snapshots

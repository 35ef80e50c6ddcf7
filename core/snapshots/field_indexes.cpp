#include "snapshots/field_indexes.hpp"

#include <spdlog/spdlog.h>
#include <pqxx/pqxx>

#include <chrono>
#include <thread>

#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"
#include "db/transaction.hpp"
#include "jobs/job_queue.hpp"
#include "snapshots/record_partitions.hpp"

namespace scratch::snapshots {

void request_field_indexes(db::ConnectionPool& pool, const std::string& table_id,
                           const std::set<std::string>& fields) {
  if (fields.empty()) return;
  try {
    db::with_transaction(pool, [&](pqxx::work& tx) {
      for (const auto& field : fields) {
        // Claim the request first, so concurrent lists ask once.
        const auto claimed = tx.exec_params(
            "UPDATE snapshot_tables t SET indexed_fields = indexed_fields || jsonb_build_array($2::text) "
            "FROM snapshots s WHERE t.id = $1::uuid AND s.id = t.snapshot_id AND t.record_count >= $3 "
            "AND NOT t.indexed_fields ? $2 RETURNING s.user_id::text",
            table_id, field, kIndexThreshold);
        if (claimed.empty()) continue;
        jobs::EnqueueOptions options;
        options.priority = 5;
        options.max_attempts = 3;
        jobs::JobQueue::enqueue(tx, kIndexJob, claimed[0][0].as<std::string>(),
                                {{"table_id", table_id}, {"field", field}}, options);
      }
      return 0;
    });
  } catch (const std::exception& e) {
    spdlog::warn("could not request field indexes for table {}: {}", table_id, e.what());  // only a speed-up
  }
}

nlohmann::json run_field_index(jobs::JobContext& ctx, db::ConnectionPool& pool) {
  const std::string table_id = ctx.job().payload.value("table_id", "");
  const std::string field = ctx.job().payload.value("field", "");
  const std::string partition = partition_name(table_id);
  const std::string name =
      partition.substr(0, 40) + "_f" + crypto::hex_encode(crypto::sha256(field)).substr(0, 12);
  auto lease = pool.acquire();
  pqxx::nontransaction tx(*lease);
  if (tx.exec_params("SELECT 1 FROM pg_class WHERE relname = $1 AND relkind = 'r'", partition).empty())
    return {{"skipped", "the table is gone"}};
  // One index build per table at a time: two CREATE INDEX CONCURRENTLY on one table wait for each other and
  // one dies in a deadlock, leaving an invalid index behind. A session lock serialises them; on any failure
  // the connection is closed (not reused), which releases it.
  const std::string lock = "hashtext(" + tx.quote(partition) + ")";
  try {
    // Try, never wait inside the database: a session waiting for the lock holds a snapshot, and the running
    // CREATE INDEX CONCURRENTLY would wait for that snapshot in turn.
    while (!tx.exec("SELECT pg_try_advisory_lock(" + lock + ")")[0][0].as<bool>()) {
      ctx.check_cancel();
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    const std::string invalid =
        "SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = " +
        tx.quote(name) + " AND NOT i.indisvalid";
    // A build that failed half way leaves an INVALID index of that name: drop it and build again.
    if (!tx.exec(invalid).empty()) tx.exec("DROP INDEX CONCURRENTLY IF EXISTS " + tx.quote_name(name));
    if (field == kSearchIndex) {
      // Same expression as search_condition (record_filter.cpp).
      tx.exec("CREATE INDEX CONCURRENTLY IF NOT EXISTS " + tx.quote_name(name) + " ON " +
              tx.quote_name(partition) +
              " USING gin (jsonb_to_tsvector('simple'::regconfig, vals, '[\"string\"]'::jsonb))");
    } else {
      // Same expression as the filter and sort SQL (record_filter.cpp), with the id as the tie-break.
      tx.exec("CREATE INDEX CONCURRENTLY IF NOT EXISTS " + tx.quote_name(name) + " ON " +
              tx.quote_name(partition) + " ((COALESCE(vals -> " + tx.quote(field) + ", 'null'::jsonb)), id)");
    }
    if (!tx.exec(invalid).empty())
      throw jobs::JobError("index_invalid", "building index " + name + " did not complete; will retry", true);
    tx.exec("SELECT pg_advisory_unlock(" + lock + ")");
  } catch (...) {
    lease.discard();
    throw;
  }
  // Expression statistics come with ANALYZE; without them the planner guesses and ignores the index.
  tx.exec("ANALYZE " + tx.quote_name(partition));
  return {{"index", name}, {"field", field}};
}

}  // namespace scratch::snapshots

#include "snapshots/download_job.hpp"

#include <spdlog/spdlog.h>
#include <chrono>
#include <future>
#include <optional>
#include <pqxx/pqxx>
#include <unordered_map>

#include "db/transaction.hpp"
#include "http/problem.hpp"
#include "snapshots/page_scan.hpp"
#include "snapshots/record_partitions.hpp"
#include "snapshots/record_writer.hpp"
#include "snapshots/snapshot_events.hpp"
#include "snapshots/sync_support.hpp"
#include "snapshots/table_info.hpp"

namespace scratch::snapshots {
namespace {

using nlohmann::json;

struct DownloadState {
  long long generation = 0;
  json cursor = nullptr;
  long long records = 0;
  long long pages = 0;
  bool finished_paging = false;
  bool staging = false;  // first download: loading the detached partition
};

// A first download fills the detached partition with plain inserts (no indexes to maintain yet).
std::string staging_insert(pqxx::transaction_base& tx, const std::string& table_id) {
  return "INSERT INTO " + tx.quote_name(partition_name(table_id)) +
         " (table_id, remote_id, vals, remote_updated_at, generation) "
         "SELECT $1::uuid, x.id, COALESCE(x.fields, '{}'), x.updated_at, $3 "
         "FROM (SELECT $2::jsonb -> 'records' AS records) page, jsonb_to_recordset(CASE WHEN "
         "jsonb_typeof(page.records) = 'array' THEN page.records ELSE '[]' END) AS x(id text, fields jsonb, "
         "updated_at text) WHERE x.id IS NOT NULL";
}

// Merges one page by remote id. New records are inserted; records without local edits take the source's
// values; records with edits go through scratch_merge_remote (edits kept, conflicts recorded). The seq only
// moves when something visible changed, so re-downloading an unchanged table does not flood the change feed.
// New rows are told apart by id: they draw ids above $4, taken from the id sequence just before.
constexpr const char* kMergePage = R"SQL(
WITH page AS MATERIALIZED (SELECT $2::jsonb -> 'records' AS records),
input AS (
  SELECT DISTINCT ON (x.id) x.id, x.fields, x.updated_at, x.n
  FROM page, ROWS FROM (jsonb_to_recordset(
         CASE WHEN jsonb_typeof(page.records) = 'array' THEN page.records ELSE '[]' END)
         AS (id text, fields jsonb, updated_at text))
       WITH ORDINALITY AS x(id, fields, updated_at, n)
  WHERE x.id IS NOT NULL
  ORDER BY x.id, x.n DESC
), upserted AS (
  INSERT INTO records AS r (table_id, remote_id, vals, remote_updated_at, generation)
  SELECT $1::uuid, id, COALESCE(fields, '{}'), updated_at, $3 FROM input
  ON CONFLICT (table_id, remote_id) DO UPDATE SET
    vals = CASE WHEN r.original = '{}' THEN EXCLUDED.vals
                ELSE scratch_merge_remote(r.vals, r.original, r.conflicts, EXCLUDED.vals) -> 'vals' END,
    original = CASE WHEN r.original = '{}' THEN '{}'::jsonb
                    ELSE scratch_merge_remote(r.vals, r.original, r.conflicts, EXCLUDED.vals) -> 'original' END,
    conflicts = CASE WHEN r.original = '{}' THEN '{}'::jsonb
                     ELSE scratch_merge_remote(r.vals, r.original, r.conflicts, EXCLUDED.vals) -> 'conflicts' END,
    remote_deleted = false,
    remote_updated_at = EXCLUDED.remote_updated_at,
    generation = EXCLUDED.generation,
    seq = CASE WHEN r.vals IS DISTINCT FROM EXCLUDED.vals OR r.remote_deleted OR r.original <> '{}'
               THEN nextval('record_seq') ELSE r.seq END,
    updated_at = CASE WHEN r.vals IS DISTINCT FROM EXCLUDED.vals THEN now() ELSE r.updated_at END
  RETURNING r.id
)
SELECT count(*) FILTER (WHERE id > $4), count(*) FROM upserted
)SQL";

DownloadState begin_table(db::ConnectionPool& pool, const TableInfo& table, const std::string& job_id) {
  return db::with_transaction(pool, [&](pqxx::work& tx) {
    const auto row = tx.exec_params1(
        "SELECT download_state::text, attached FROM snapshot_tables WHERE id = $1::uuid FOR UPDATE",
        table.id);
    DownloadState s;
    s.staging = !row[1].as<bool>();
    if (!row[0].is_null()) {
      const json stored = json::parse(row[0].c_str());
      if (stored.value("job_id", "") == job_id) {  // this job's earlier attempt: resume after its last page
        s.generation = stored.value("generation", 0LL);
        s.cursor = stored.value("cursor", json());
        s.records = stored.value("records", 0LL);
        s.pages = stored.value("pages", 0LL);
        s.finished_paging = stored.value("finished_paging", false);
        return s;
      }
    }
    // A detached partition holds nothing anyone has seen: whatever an abandoned first load left goes.
    if (s.staging) tx.exec("TRUNCATE " + tx.quote_name(partition_name(table.id)));
    s.generation = tx.exec("SELECT nextval('record_seq')")[0][0].as<long long>();
    tx.exec_params("UPDATE snapshot_tables SET download_state = $2::jsonb WHERE id = $1::uuid", table.id,
                   json{{"job_id", job_id},
                        {"generation", s.generation},
                        {"cursor", nullptr},
                        {"records", 0},
                        {"pages", 0}}
                       .dump());
    return s;
  });
}

// The source's current field list (columns added, renamed or retyped since the table was added).
void refresh_fields(db::ConnectionPool& pool, accounts::AccountService& accounts, const std::string& user_id,
                    const std::string& snapshot_id, const TableInfo& table) {
  const auto listing = accounts.call(user_id, table.account_id, "list_tables", json::object());
  if (!listing.ok) throw call_failure("listing the tables of " + table.name, listing);
  for (const auto& t : listing.value.value("tables", json::array())) {
    if (t.value("id", "") != table.remote_table) continue;
    const json fields = t.value("fields", json::array());
    if (fields == table.source_fields() && t.value("read_only", false) == table.read_only) return;
    db::with_transaction(pool, [&](pqxx::work& tx) {
      tx.exec_params("UPDATE snapshot_tables SET fields = $2::jsonb, read_only = $3 WHERE id = $1::uuid",
                     table.id, fields.dump(), t.value("read_only", false));
      snapshot_event(tx, user_id, snapshot_id, "table.changed",
                     {{"table_id", table.id}, {"change", "fields"}});
      return 0;
    });
    return;
  }
  throw jobs::JobError("table_not_found",
                       "the source no longer has table '" + table.remote_table + "' (" + table.name +
                           "); remove it from the snapshot or restore it at the source",
                       false);
}

}  // namespace

json run_download(jobs::JobContext& ctx, db::ConnectionPool& pool, accounts::AccountService& accounts,
                  connectors::Connectors& connectors) {
  const std::string user_id = ctx.job().user_id;
  const std::string snapshot_id = ctx.job().payload.value("snapshot_id", "");
  const std::vector<TableInfo> tables = job_tables(pool, ctx);

  json summary = json::array();
  long long all_records = 0;
  for (std::size_t ti = 0; ti < tables.size(); ++ti) {
    const TableInfo& table = tables[ti];
    const ConnectorLimits limits = db::with_read(
        pool, [&](pqxx::read_transaction& tx) { return limits_of(tx, connectors, table.account_id); });
    refresh_fields(pool, accounts, user_id, snapshot_id, table);
    DownloadState state = begin_table(pool, table, ctx.job().id);
    long long source_total = -1;
    long long inserted_total = 0;
    // The next page is read while this one is stored (one page ahead, no more: memory stays two pages).
    const auto read_page = [&accounts, &user_id, &table, page_size = limits.page_size](json cursor) {
      return accounts.call_raw(
          user_id, table.account_id, "read",
          {{"table", table.remote_table}, {"cursor", std::move(cursor)}, {"page_size", page_size}});
    };
    std::future<connectors::CallResult> ahead;
    while (!state.finished_paging) {
      try {
        ctx.check_cancel();
      } catch (const jobs::JobCancelled&) {
        // Keep what was loaded: a first download's partial load becomes visible, consistent record by record.
        if (state.staging) {
          db::with_transaction(pool, [&](pqxx::work& tx) {
            attach_partition(tx, table.id);
            tx.exec_params(
                "UPDATE snapshot_tables SET download_state = NULL, record_count = (SELECT count(*) FROM "
                "records WHERE table_id = $1::uuid) WHERE id = $1::uuid",
                table.id);
            records_changed(tx, user_id, snapshot_id, table.id, {}, state.records, "download");
            return 0;
          });
        }
        throw;
      }
      const auto read_started = std::chrono::steady_clock::now();
      const auto result = ahead.valid() ? ahead.get() : read_page(state.cursor);
      if (!result.ok) throw call_failure("reading " + table.name, result);
      const auto store_started = std::chrono::steady_clock::now();
      // The page goes to the database as the connector wrote it (records with a null id are skipped there, a
      // number id becomes its text); here only the cursor, total and count are read from it.
      const std::string& input = result.raw;
      std::optional<PageScan> scanned = scan_page(input);
      if (!scanned) {  // a structured cursor, or not a page at all
        const json page = json::parse(input, nullptr, false);
        if (!page.is_object())
          throw jobs::JobError("plugin_protocol", "reading " + table.name + ": the page is not a JSON object",
                               false);
        scanned = PageScan{page.value("next_cursor", json()), -1, 0};
        if (page.contains("total") && page["total"].is_number_integer()) scanned->total = page["total"];
        if (page.contains("records") && page["records"].is_array())
          scanned->records = static_cast<long long>(page["records"].size());
      }
      if (scanned->total >= 0) source_total = scanned->total;
      const json next = scanned->next_cursor;
      if (!next.is_null() && next == state.cursor) {
        throw jobs::JobError("connector_error",
                             "reading " + table.name +
                                 ": the connector returned the cursor it was given, so paging "
                                 "would never end",
                             false);
      }
      state.cursor = next;
      state.pages += 1;
      state.finished_paging = next.is_null();
      if (!next.is_null()) ahead = std::async(std::launch::async, read_page, next);
      const auto [inserted, merged] = db::with_transaction(pool, [&](pqxx::work& tx) {
        long long ins = 0, seen = 0;
        if (state.staging) {
          ins = seen = static_cast<long long>(
              tx.exec_params(staging_insert(tx, table.id), table.id, input, state.generation)
                  .affected_rows());
        } else {
          const long long id_floor = tx.exec("SELECT nextval('record_id_seq')")[0][0].as<long long>();
          const auto counts = tx.exec_params1(kMergePage, table.id, input, state.generation, id_floor);
          ins = counts[0].as<long long>();
          seen = counts[1].as<long long>();
        }
        state.records += seen;
        tx.exec_params(
            "UPDATE snapshot_tables SET record_count = record_count + $2, download_state = $3::jsonb "
            "WHERE id = $1::uuid",
            table.id, ins,
            json{{"job_id", ctx.job().id},
                 {"generation", state.generation},
                 {"cursor", state.cursor},
                 {"records", state.records},
                 {"pages", state.pages},
                 {"finished_paging", state.finished_paging}}
                .dump());
        if (!state.staging) records_changed(tx, user_id, snapshot_id, table.id, {}, seen, "download");
        snapshot_event(tx, user_id, snapshot_id, "download.progress",
                       {{"table_id", table.id},
                        {"records", state.records},
                        {"pages", state.pages},
                        {"total", source_total < 0 ? json(nullptr) : json(source_total)}});
        return std::pair<long long, long long>{ins, seen};
      });
      (void)merged;
      const auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
      spdlog::debug("download {} page {}: {} records, read {:.0f} ms, store {:.0f} ms", table.id, state.pages,
                    scanned->records, ms(read_started, store_started),
                    ms(store_started, std::chrono::steady_clock::now()));
      inserted_total += inserted;
      ctx.progress(all_records + state.records, source_total < 0 ? -1 : all_records + source_total,
                   table.name + ": " + std::to_string(state.records) + " records, " +
                       std::to_string(state.pages) + " pages (table " + std::to_string(ti + 1) + " of " +
                       std::to_string(tables.size()) + ")");
    }
    // Every page is in: records this download did not see are gone at the source.
    const json swept = db::with_transaction(pool, [&](pqxx::work& tx) {
      const std::string t = tx.quote(table.id);
      if (state.staging) {
        attach_partition(tx, table.id);  // builds the indexes once, over the whole table
        records_changed(tx, user_id, snapshot_id, table.id, {}, state.records, "download");
      }
      const std::string unseen =
          "r.remote_id IS NOT NULL AND r.generation <> " + std::to_string(state.generation);
      // Without local edits (or deleted here too): remove. With edits: keep, flagged for the user.
      const auto removed =
          tx.exec(purge_sql(t, unseen + " AND NOT r.created AND (r.deleted OR r.original = '{}')"));
      const auto flagged = tx.exec(
          "UPDATE records r SET remote_deleted = true, seq = nextval('record_seq'), "
          "updated_at = now() WHERE r.table_id = " +
          t + "::uuid AND " + unseen + " AND NOT r.remote_deleted RETURNING r.id");
      tx.exec_params(
          "UPDATE snapshot_tables SET download_state = NULL, last_download_at = now(), "
          "record_count = (SELECT count(*) FROM records WHERE table_id = $1::uuid) WHERE id = $1::uuid",
          table.id);
      records_changed(tx, user_id, snapshot_id, table.id, {},
                      static_cast<long long>(removed.size() + flagged.size()), "download");
      snapshot_event(tx, user_id, snapshot_id, "table.changed",
                     {{"table_id", table.id}, {"change", "downloaded"}});
      return json{{"removed", removed.size()}, {"remote_deleted", flagged.size()}};
    });
    // Fresh statistics for the planner (a first load has none at all); a sample, so cheap on big tables.
    {
      auto lease = pool.acquire();
      pqxx::nontransaction(*lease).exec("ANALYZE " + lease->quote_name(partition_name(table.id)));
    }
    all_records += state.records;
    summary.push_back({{"table_id", table.id},
                       {"name", table.name},
                       {"records", state.records},
                       {"pages", state.pages},
                       {"new", inserted_total},
                       {"removed", swept["removed"]},
                       {"remote_deleted", swept["remote_deleted"]}});
  }
  ctx.progress(all_records, all_records, "done");
  return {{"snapshot_id", snapshot_id}, {"records", all_records}, {"tables", summary}};
}

}  // namespace scratch::snapshots

#include "snapshots/publish_job.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <pqxx/pqxx>
#include <thread>

#include "accounts/quota_ledger.hpp"
#include "db/transaction.hpp"
#include "http/problem.hpp"
#include "snapshots/publish_plan.hpp"
#include "snapshots/record_writer.hpp"
#include "snapshots/snapshot_events.hpp"
#include "snapshots/sync_support.hpp"
#include "snapshots/table_info.hpp"

namespace scratch::snapshots {
namespace {

using nlohmann::json;

const char* const kPhaseOps[] = {"create", "update", "delete"};

struct Op {
  int n = 0;
  long long record_id = 0;
  std::string op;
  std::string remote_id;
  json fields;
};

json error_with_time(const json& error) {
  json e = error.is_object() ? error : json{{"code", "publish_failed"}, {"message", error.dump()}};
  if (!e.contains("retryable")) e["retryable"] = false;
  return e;
}

// Ops a dead attempt left in flight: creates become ambiguous (flagged on the record), updates and deletes go
// back to pending (sending them again is harmless).
void settle_in_flight(pqxx::work& tx, const std::string& run_id) {
  const json error = {{"code", "ambiguous_create"},
                      {"message",
                       "publishing stopped while this create was being sent, so the source may or may "
                       "not have the record; check the source, then resolve (retry, discard, or link "
                       "the remote id)"},
                      {"retryable", false}};
  tx.exec_params(
      "WITH amb AS (UPDATE publish_ops SET status = 'ambiguous', error = $2::jsonb WHERE run_id = $1::uuid "
      "AND "
      "status = 'in_flight' AND op = 'create' RETURNING table_id, record_id) "
      "UPDATE records r SET ambiguous_create = true, publish_error = $2::jsonb || jsonb_build_object('at', "
      "now()), "
      "seq = nextval('record_seq') FROM amb WHERE r.table_id = amb.table_id AND r.id = amb.record_id",
      run_id, error.dump());
  tx.exec_params("UPDATE publish_ops SET status = 'pending' WHERE run_id = $1::uuid AND status = 'in_flight'",
                 run_id);
}

std::string prepare_run(db::ConnectionPool& pool, const std::string& job_id, const std::string& snapshot_id,
                        const std::vector<TableInfo>& tables) {
  return db::with_transaction(pool, [&](pqxx::work& tx) {
    const auto existing = tx.exec_params("SELECT id::text FROM publish_runs WHERE job_id = $1::uuid", job_id);
    if (!existing.empty()) {  // a retry of this job: resume
      const std::string run_id = existing[0][0].as<std::string>();
      settle_in_flight(tx, run_id);
      return run_id;
    }
    // Runs whose job gave up or was cancelled: settle what they left in flight before planning anew.
    for (const auto& old :
         tx.exec_params("SELECT id::text FROM publish_runs WHERE snapshot_id = $1::uuid AND "
                        "status = 'running'",
                        snapshot_id)) {
      settle_in_flight(tx, old[0].as<std::string>());
      tx.exec_params("UPDATE publish_runs SET status = 'abandoned', finished_at = now() WHERE id = $1::uuid",
                     old[0].as<std::string>());
    }
    const std::string run_id =
        tx.exec_params1(
              "INSERT INTO publish_runs (snapshot_id, job_id) VALUES ($1::uuid, $2::uuid) RETURNING id::text",
              snapshot_id, job_id)[0]
            .as<std::string>();
    tx.exec_params(
        "INSERT INTO publish_ops (run_id, n, phase, table_id, record_id, op, remote_id) "
        "SELECT $1::uuid, row_number() OVER (ORDER BY phase, ord, id), phase, table_id::uuid, id, op, "
        "remote_id FROM (" +
            plan_query(tables_literal(tables)) + ") p",
        run_id);
    return run_id;
  });
}

// Marks the next batch in flight, with the values it sends taken from the records as they are now. Ops whose
// record no longer needs them (reverted, deleted meanwhile) are skipped.
std::vector<Op> take_batch(db::ConnectionPool& pool, const std::string& run_id, const TableInfo& table,
                           int phase, int size, bool& single) {
  return db::with_transaction(pool, [&](pqxx::work& tx) {
    single = false;
    auto rows = tx.exec_params(
        "SELECT n, record_id, op, remote_id FROM publish_ops WHERE run_id = $1::uuid AND "
        "table_id = $2::uuid AND phase = $3 AND status = 'pending' ORDER BY n LIMIT $4",
        run_id, table.id, phase, size);
    if (rows.empty()) {
      rows = tx.exec_params(
          "SELECT n, record_id, op, remote_id FROM publish_ops WHERE run_id = $1::uuid AND "
          "table_id = $2::uuid AND phase = $3 AND status = 'retry_single' ORDER BY n LIMIT 1",
          run_id, table.id, phase);
      single = true;
    }
    std::vector<Op> batch;
    for (const auto& row : rows) {
      Op op;
      op.n = row[0].as<int>();
      op.record_id = row[1].as<long long>();
      op.op = row[2].as<std::string>();
      const auto rec = tx.exec_params(
          "SELECT vals::text, original::text, remote_id, created, deleted, suggested_create, "
          "ambiguous_create, "
          "conflicts <> '{}' OR remote_deleted FROM records WHERE table_id = $1::uuid AND id = $2 FOR UPDATE",
          table.id, op.record_id);
      bool still = false;
      if (!rec.empty()) {
        const auto& r = rec[0];
        const bool created = r[3].as<bool>(), deleted = r[4].as<bool>(), blocked = r[7].as<bool>();
        if (!r[2].is_null()) op.remote_id = r[2].as<std::string>();
        if (op.op == "create")
          still = created && !deleted && !r[5].as<bool>() && !r[6].as<bool>() && !blocked;
        if (op.op == "update") still = !created && !deleted && !blocked && r[1].as<std::string>() != "{}";
        if (op.op == "delete") still = deleted && !created && !op.remote_id.empty();
        if (still) {
          op.fields = op_fields(table, op.op, json::parse(r[0].c_str()), json::parse(r[1].c_str()));
          if (op.op == "update" && op.fields.empty()) still = false;
        }
      }
      if (!still) {
        tx.exec_params("UPDATE publish_ops SET status = 'skipped' WHERE run_id = $1::uuid AND n = $2", run_id,
                       op.n);
        continue;
      }
      tx.exec_params(
          "UPDATE publish_ops SET status = 'in_flight', attempts = attempts + 1, fields = $3::jsonb, "
          "remote_id = $4 WHERE run_id = $1::uuid AND n = $2",
          run_id, op.n, op.fields.dump(), op.remote_id);
      batch.push_back(std::move(op));
    }
    if (batch.empty() && !rows.empty()) single = false;
    return batch;
  });
}

void record_failure(pqxx::work& tx, const std::string& run_id, const TableInfo& table, const Op& op,
                    const json& error, const char* status = "failed") {
  tx.exec_params("UPDATE publish_ops SET status = $3, error = $4::jsonb WHERE run_id = $1::uuid AND n = $2",
                 run_id, op.n, status, error.dump());
  tx.exec_params(
      "UPDATE records SET publish_error = $3::jsonb || jsonb_build_object('op', $4::text, 'at', now()), "
      "ambiguous_create = ambiguous_create OR $5, seq = nextval('record_seq'), updated_at = now() "
      "WHERE table_id = $1::uuid AND id = $2",
      table.id, op.record_id, error.dump(), op.op, std::string(status) == "ambiguous");
}

void record_success(pqxx::work& tx, const std::string& run_id, const TableInfo& table, const Op& op,
                    const json& result) {
  const json returned =
      result.contains("fields") && result["fields"].is_object() ? result["fields"] : json::object();
  if (op.op == "delete") {
    tx.exec(purge_sql(tx.quote(table.id), "r.id = " + std::to_string(op.record_id)));
  } else {
    std::string remote_id = op.remote_id;
    if (op.op == "create") {
      const json id = result.value("id", json());
      remote_id = id.is_string() ? id.get<std::string>() : id.is_null() ? "" : id.dump();
      if (remote_id.empty()) {
        record_failure(tx, run_id, table, op,
                       {{"code", "ambiguous_create"},
                        {"message", "the connector reported success without the new record's id"},
                        {"retryable", false}},
                       "ambiguous");
        return;
      }
      const auto taken =
          tx.exec_params("SELECT id FROM records WHERE table_id = $1::uuid AND remote_id = $2 AND id <> $3",
                         table.id, remote_id, op.record_id);
      if (!taken.empty()) {
        record_failure(tx, run_id, table, op,
                       {{"code", "duplicate_remote_id"},
                        {"message", "the source gave the new record id " + remote_id +
                                        ", which another record of this table already has"},
                        {"retryable", false}},
                       "ambiguous");
        return;
      }
    }
    tx.exec_params(
        "UPDATE records r SET remote_id = $3, created = false, "
        "(vals, original) = (SELECT e -> 'vals', e -> 'original' FROM "
        "scratch_apply_published(r.vals, r.original, $4::jsonb, $5::jsonb) e), "
        "publish_error = NULL, seq = nextval('record_seq'), updated_at = now() "
        "WHERE r.table_id = $1::uuid AND r.id = $2",
        table.id, op.record_id, remote_id, op.fields.dump(), returned.dump());
  }
  tx.exec_params(
      "UPDATE publish_ops SET status = 'succeeded', error = NULL WHERE run_id = $1::uuid AND n = $2", run_id,
      op.n);
}

bool outcome_unknown(const std::string& code) {
  // The call may or may not have reached the source. "outcome_unknown" is the connectors' own word for it
  // (e.g. a 5xx answer to a create request, which the service may have carried out).
  return code == "connector_timeout" || code == "connector_crashed" || code == "timeout" ||
         code == "outcome_unknown";
}

// A source that kept throttling us past the HTTP client's own retries has applied nothing: the batch is
// handed back and sent again after a pause, so a 429 storm slows a publish down but fails no record. Bounded,
// so a source that never recovers still ends the job (with the ops failed as rate_limited).
constexpr int kMaxThrottleWaits = 8;

std::chrono::milliseconds throttle_wait(int waits) {
  return std::min(std::chrono::milliseconds(60000),
                  std::chrono::milliseconds(1000) * (1 << std::min(waits, 6)));
}

void hand_back(db::ConnectionPool& pool, const std::string& run_id, const std::vector<Op>& batch,
               bool single) {
  db::with_transaction(pool, [&](pqxx::work& tx) {
    for (const auto& op : batch)
      tx.exec_params("UPDATE publish_ops SET status = $3 WHERE run_id = $1::uuid AND n = $2", run_id, op.n,
                     single ? "retry_single" : "pending");
    return 0;
  });
}

// A plan that does not fit an account's remaining daily quota is refused before anything is sent: half a
// publish that stops on the source's quota error leaves the user to work out what landed.
void refuse_over_quota(db::ConnectionPool& pool, accounts::AccountService& accounts,
                       const std::string& user_id, const std::string& run_id,
                       const std::vector<TableInfo>& tables) {
  std::map<std::string, std::vector<TableInfo>> tables_by_account;
  for (const auto& t : tables)
    tables_by_account[t.account_id].push_back(t);
  for (const auto& [account_id, account_tables] : tables_by_account) {
    const auto quota = accounts.quota(user_id, account_id);
    if (!quota) continue;
    std::map<std::string, long long> ops;
    db::with_read(pool, [&](pqxx::read_transaction& tx) {
      for (const auto& row : tx.exec_params(
               "SELECT op, count(*) FROM publish_ops WHERE run_id = $1::uuid AND status IN ('pending', "
               "'retry_single') AND table_id = ANY($2::uuid[]) GROUP BY op",
               run_id, tables_literal(account_tables)))
        ops[row[0].as<std::string>()] = row[1].as<long long>();
      return 0;
    });
    const auto& [policy, usage] = *quota;
    const double needed = accounts::ops_cost(policy, ops);
    if (needed <= usage.remaining) continue;
    const json error = accounts::quota_error("publishing this plan", needed, usage, policy);
    db::with_transaction(pool, [&](pqxx::work& tx) {
      tx.exec_params("UPDATE publish_runs SET status = 'failed', finished_at = now() WHERE id = $1::uuid",
                     run_id);
      return 0;
    });
    throw jobs::JobError("quota_exceeded", error.value("message", ""), false);
  }
}

}  // namespace

json run_publish(jobs::JobContext& ctx, db::ConnectionPool& pool, accounts::AccountService& accounts,
                 connectors::Connectors& connectors) {
  const std::string user_id = ctx.job().user_id;
  const std::string snapshot_id = ctx.job().payload.value("snapshot_id", "");
  const std::vector<TableInfo> tables = job_tables(pool, ctx);
  const std::string run_id = prepare_run(pool, ctx.job().id, snapshot_id, tables);
  const long long total = db::with_read(pool, [&](pqxx::read_transaction& tx) {
    return tx.exec_params1("SELECT count(*) FROM publish_ops WHERE run_id = $1::uuid", run_id)[0]
        .as<long long>();
  });
  const auto done_count = [&] {
    return db::with_read(pool, [&](pqxx::read_transaction& tx) {
      return tx
          .exec_params1(
              "SELECT count(*) FROM publish_ops WHERE run_id = $1::uuid AND status NOT IN "
              "('pending', 'in_flight', 'retry_single')",
              run_id)[0]
          .as<long long>();
    });
  };
  refuse_over_quota(pool, accounts, user_id, run_id, tables);
  int throttle_waits = 0;
  try {
    for (int phase = 0; phase < 3; ++phase) {
      for (const auto& table : tables) {
        const ConnectorLimits limits = db::with_read(
            pool, [&](pqxx::read_transaction& tx) { return limits_of(tx, connectors, table.account_id); });
        for (;;) {
          ctx.check_cancel();
          bool single = false;
          std::vector<Op> batch = take_batch(pool, run_id, table, phase, limits.write_batch, single);
          if (batch.empty()) {
            const bool more = db::with_read(pool, [&](pqxx::read_transaction& tx) {
              return !tx.exec_params(
                            "SELECT 1 FROM publish_ops WHERE run_id = $1::uuid AND table_id = $2::uuid AND "
                            "phase = $3 AND status IN ('pending', 'retry_single') LIMIT 1",
                            run_id, table.id, phase)
                          .empty();
            });
            if (more) continue;
            break;
          }
          json ops = json::array();
          for (const auto& op : batch) {
            json o = {{"op", op.op}, {"ref", std::to_string(op.n)}};
            if (op.op != "create") o["id"] = op.remote_id;
            if (op.op != "delete") o["fields"] = op.fields;
            ops.push_back(o);
          }
          const auto result = accounts.call(user_id, table.account_id, "write",
                                            {{"table", table.remote_table}, {"ops", ops}});
          if (!result.ok && result.value.value("code", "") == "rate_limited" &&
              throttle_waits < kMaxThrottleWaits) {
            hand_back(pool, run_id, batch, single);
            const auto until = std::chrono::steady_clock::now() + throttle_wait(throttle_waits++);
            while (std::chrono::steady_clock::now() < until) {
              ctx.check_cancel();
              std::this_thread::sleep_for(std::chrono::milliseconds(200));
            }
            continue;
          }
          throttle_waits = 0;
          std::vector<long long> changed;
          db::with_transaction(pool, [&](pqxx::work& tx) {
            changed.clear();
            if (!result.ok) {
              const json error = error_with_time(result.value);
              const std::string code = error.value("code", "");
              if (batch.size() > 1) {
                // Refused as a whole: try each record on its own, so one bad record cannot hold back the
                // rest.
                for (const auto& op : batch) {
                  const bool unknown = outcome_unknown(code) && op.op == "create";
                  if (unknown)
                    record_failure(tx, run_id, table, op, error, "ambiguous");
                  else
                    tx.exec_params(
                        "UPDATE publish_ops SET status = 'retry_single', error = $3::jsonb WHERE run_id = "
                        "$1::uuid AND n = $2",
                        run_id, op.n, error.dump());
                  if (unknown) changed.push_back(op.record_id);
                }
              } else {
                const Op& op = batch.front();
                record_failure(tx, run_id, table, op, error,
                               outcome_unknown(code) && op.op == "create" ? "ambiguous" : "failed");
                changed.push_back(op.record_id);
              }
            } else {
              std::map<std::string, json> by_ref;
              for (const auto& r : result.value.value("results", json::array()))
                if (r.is_object() && r.contains("ref") && r["ref"].is_string()) by_ref[r["ref"]] = r;
              for (const auto& op : batch) {
                const auto it = by_ref.find(std::to_string(op.n));
                changed.push_back(op.record_id);
                if (it == by_ref.end()) {
                  record_failure(tx, run_id, table, op,
                                 {{"code", "missing_result"},
                                  {"message", "the connector returned no result for this operation"},
                                  {"retryable", false}},
                                 op.op == "create" ? "ambiguous" : "failed");
                  continue;
                }
                const json& r = it->second;
                const json error = r.value("error", json::object());
                if (r.value("ok", false) || (op.op == "delete" && error.value("code", "") == "not_found")) {
                  record_success(tx, run_id, table, op, r);
                } else {
                  const bool unknown = op.op == "create" && error.value("code", "") == "outcome_unknown";
                  record_failure(tx, run_id, table, op, error_with_time(error),
                                 unknown ? "ambiguous" : "failed");
                }
              }
            }
            records_changed(tx, user_id, snapshot_id, table.id, changed,
                            static_cast<long long>(changed.size()), "publish");
            return 0;
          });
          const long long done = done_count();
          ctx.progress(done, total,
                       std::string(kPhaseOps[phase]) + "s of " + table.name + ": " + std::to_string(done) +
                           " of " + std::to_string(total) + " operations");
          db::with_transaction(pool, [&](pqxx::work& tx) {
            snapshot_event(tx, user_id, snapshot_id, "publish.progress",
                           {{"run_id", run_id}, {"done", done}, {"total", total}, {"table_id", table.id}});
            return 0;
          });
        }
      }
    }
  } catch (const jobs::JobCancelled&) {
    db::with_transaction(pool, [&](pqxx::work& tx) {
      tx.exec_params("UPDATE publish_runs SET status = 'cancelled', finished_at = now() WHERE id = $1::uuid",
                     run_id);
      return 0;
    });
    throw;
  }

  // The outcome, from the persisted plan.
  return db::with_transaction(pool, [&](pqxx::work& tx) {
    json counts = json::object();
    for (const char* op : kPhaseOps)
      counts[op] = {{"succeeded", 0}, {"failed", 0}, {"ambiguous", 0}, {"skipped", 0}};
    long long bad = 0;
    for (const auto& row :
         tx.exec_params("SELECT op, status, count(*) FROM publish_ops WHERE run_id = $1::uuid "
                        "GROUP BY op, status",
                        run_id)) {
      const std::string status = row[1].as<std::string>();
      counts[row[0].as<std::string>()][status] = row[2].as<long long>();
      if (status == "failed" || status == "ambiguous") bad += row[2].as<long long>();
    }
    json failures = json::array();
    for (const auto& row :
         tx.exec_params("SELECT table_id::text, record_id, op, error::text, status FROM publish_ops "
                        "WHERE run_id = $1::uuid AND status IN ('failed', 'ambiguous') ORDER BY n "
                        "LIMIT 100",
                        run_id))
      failures.push_back({{"table_id", row[0].as<std::string>()},
                          {"record_id", std::to_string(row[1].as<long long>())},
                          {"op", row[2].as<std::string>()},
                          {"status", row[4].as<std::string>()},
                          {"error", row[3].is_null() ? json(nullptr) : json::parse(row[3].c_str())}});
    const std::string status = bad > 0 ? "completed_with_errors" : "completed";
    tx.exec_params(
        "UPDATE publish_runs SET status = $2, counts = $3::jsonb, finished_at = now() WHERE id = $1::uuid",
        run_id, status, counts.dump());
    tx.exec_params("UPDATE snapshot_tables SET last_publish_at = now() WHERE id = ANY($1::uuid[])",
                   tables_literal(tables));
    snapshot_event(tx, user_id, snapshot_id, "publish.finished", {{"run_id", run_id}, {"status", status}});
    return json{{"status", status},
                {"run_id", run_id},
                {"operations", total},
                {"counts", counts},
                {"failures", failures}};
  });
}

}  // namespace scratch::snapshots

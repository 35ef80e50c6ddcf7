#include "snapshots/publish_plan.hpp"

#include <map>
#include <pqxx/pqxx>

namespace scratch::snapshots {
namespace {

using nlohmann::json;

constexpr const char* kPublishable =
    "r.dirty AND r.conflicts = '{}' AND NOT r.remote_deleted AND NOT r.ambiguous_create "
    "AND NOT (r.created AND r.deleted)";

}  // namespace

std::string tables_literal(const std::vector<TableInfo>& tables) {
  std::string out = "{";
  for (std::size_t i = 0; i < tables.size(); ++i)
    out += (i ? "," : "") + tables[i].id;
  return out + "}";
}

std::string plan_query(const std::string& tables_literal) {
  return std::string(
             "SELECT CASE WHEN r.created THEN 0 WHEN r.deleted THEN 2 ELSE 1 END AS phase, r.table_id::text, "
             "r.id, CASE WHEN r.created THEN 'create' WHEN r.deleted THEN 'delete' ELSE 'update' END AS op, "
             "r.remote_id, t.ord, r.vals::text, r.original::text "
             "FROM unnest('") +
         tables_literal +
         "'::uuid[]) WITH ORDINALITY AS t(id, ord) JOIN records r ON r.table_id = t.id AND " + kPublishable;
}

json op_fields(const TableInfo& table, const std::string& op, const json& vals, const json& original) {
  json out = json::object();
  if (op == "create") {
    for (const auto& [k, v] : vals.items())
      if (!v.is_null() && table.publishable(k)) out[k] = v;
  } else if (op == "update") {
    for (const auto& [k, base] : original.items())
      if (table.publishable(k)) out[k] = vals.contains(k) ? vals[k] : json(nullptr);
  }
  return out;
}

json dry_run(pqxx::transaction_base& tx, const std::vector<TableInfo>& tables, const std::string& op,
             int limit, long long after) {
  const std::string literal = tables_literal(tables);
  std::map<std::string, const TableInfo*> by_id;
  json counts = json::array();
  for (const auto& t : tables) {
    by_id[t.id] = &t;
    const auto row = tx.exec_params1(
        std::string(
            "SELECT count(*) FILTER (WHERE r.created), count(*) FILTER (WHERE r.deleted AND NOT r.created), "
            "count(*) FILTER (WHERE NOT r.created AND NOT r.deleted), "
            "(SELECT count(*) FROM records s WHERE s.table_id = $1::uuid AND s.dirty AND "
            "(s.conflicts <> '{}' OR s.remote_deleted OR s.ambiguous_create)) "
            "FROM records r WHERE r.table_id = $1::uuid AND ") +
            kPublishable,
        t.id);
    counts.push_back({{"table_id", t.id},
                      {"name", t.name},
                      {"creates", row[0].as<long long>()},
                      {"deletes", row[1].as<long long>()},
                      {"updates", row[2].as<long long>()},
                      {"skipped", row[3].as<long long>()}});
  }
  // Operations in execution order; the cursor is the position in that order.
  std::string where = "TRUE";
  if (!op.empty()) where = "op = " + tx.quote(op);
  const auto rows =
      tx.exec("SELECT * FROM (SELECT row_number() OVER (ORDER BY phase, ord, id) AS n, * FROM (" +
              plan_query(literal) + ") p) q WHERE n > " + std::to_string(after) + " AND " + where +
              " ORDER BY n LIMIT " + std::to_string(limit + 1));
  json ops = json::array();
  json next = nullptr;
  for (int i = 0; i < static_cast<int>(rows.size()); ++i) {
    const auto& r = rows[i];
    if (i == limit) {
      next = std::to_string(rows[i - 1][0].as<long long>());
      break;
    }
    const std::string table_id = r[2].as<std::string>();
    const std::string kind = r[4].as<std::string>();
    ops.push_back({{"table_id", table_id},
                   {"record_id", std::to_string(r[3].as<long long>())},
                   {"op", kind},
                   {"remote_id", r[5].is_null() ? json(nullptr) : json(r[5].as<std::string>())},
                   {"fields", op_fields(*by_id.at(table_id), kind, json::parse(r[7].c_str()),
                                        json::parse(r[8].c_str()))}});
  }
  json skipped = json::array();
  for (const auto& row :
       tx.exec(std::string("SELECT r.table_id::text, r.id, CASE WHEN r.conflicts <> '{}' THEN 'conflict' "
                           "WHEN r.remote_deleted THEN 'remote_deleted' ELSE 'ambiguous_create' END "
                           "FROM unnest('") +
               literal +
               "'::uuid[]) WITH ORDINALITY AS t(id, ord) JOIN records r ON r.table_id = t.id AND r.dirty "
               "AND (r.conflicts <> '{}' OR r.remote_deleted OR r.ambiguous_create) ORDER BY t.ord, r.id "
               "LIMIT 100"))
    skipped.push_back({{"table_id", row[0].as<std::string>()},
                       {"record_id", std::to_string(row[1].as<long long>())},
                       {"reason", row[2].as<std::string>()}});
  return {{"counts", counts}, {"operations", ops}, {"skipped", skipped}, {"next_cursor", next}};
}

}  // namespace scratch::snapshots

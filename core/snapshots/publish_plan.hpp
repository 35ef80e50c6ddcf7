// What a publish would do, computed from the records' state: creates, then updates (changed fields only),
// then deletes, per table in the snapshot's order. Records with conflicts, deleted at the source, or with an
// ambiguous create are skipped until the user resolves them. Used by the dry run and to seed a publish run.
#pragma once

#include <nlohmann/json.hpp>
#include <pqxx/transaction_base>
#include <string>
#include <vector>

#include "snapshots/table_info.hpp"

namespace scratch::snapshots {

// SQL yielding (phase, table_id, record_id, op, remote_id) in execution order for the tables in the uuid[]
// literal `tables_literal` (e.g. '{...}'), ordered by their position there.
std::string plan_query(const std::string& tables_literal);
std::string tables_literal(const std::vector<TableInfo>& tables);

// The values an operation sends, from the record's current state: all writable non-null values for a
// create, the edited writable fields for an update, nothing for a delete.
nlohmann::json op_fields(const TableInfo& table, const std::string& op, const nlohmann::json& vals,
                         const nlohmann::json& original);

// The dry run: counts per table, one page of operations (with the fields they would send), and skipped
// records.
nlohmann::json dry_run(pqxx::transaction_base& tx, const std::vector<TableInfo>& tables,
                       const std::string& op, int limit, long long after);

}  // namespace scratch::snapshots

// A snapshot table as the record code needs it: where it comes from and its fields.
#pragma once

#include <nlohmann/json.hpp>
#include <pqxx/transaction_base>
#include <set>
#include <string>

namespace scratch::snapshots {

struct TableInfo {
  std::string id;
  std::string snapshot_id;
  std::string account_id;
  std::string remote_table;
  std::string name;
  nlohmann::json
      fields;  // [{id,name,type,read_only,options?}], then the scratch columns ({..., scratch: true})
  bool read_only = false;
  long long record_count = 0;
  std::set<std::string> indexed_fields;  // fields with an index of their own (or one requested)

  const nlohmann::json* field(const std::string& field_id) const;
  bool writable(const std::string& field_id) const;
  bool is_scratch(const std::string& field_id) const;   // a local-only scratch column
  bool publishable(const std::string& field_id) const;  // writable and not scratch
  nlohmann::json source_fields() const;                 // the fields without the scratch columns
};

// The table of this snapshot, or ApiError 404.
TableInfo load_table(pqxx::transaction_base& tx, const std::string& snapshot_id, const std::string& table_id);

// Every table of the snapshot (optionally only `ids`; an unknown id is 404), in the order they were added.
std::vector<TableInfo> load_tables(pqxx::transaction_base& tx, const std::string& snapshot_id,
                                   const std::vector<std::string>& ids = {});

}  // namespace scratch::snapshots

// Reading records: filtered, sorted, searched pages with keyset cursors (no OFFSET, no count unless asked),
// one record, and the `since` change feed with tombstones.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "db/connection_pool.hpp"

namespace scratch::snapshots {

struct ListParams {
  nlohmann::json filter;  // null: everything
  nlohmann::json sort;    // null, "a:asc,b:desc" or [{field, dir}]
  std::string search;
  std::set<std::string> fields;  // projection
  int limit = 100;
  std::string cursor;
  bool include_total = false;
  bool live_only = false;  // hide records that exist only as suggestions
};

// From query parameters (filter and sort as text) or a JSON body; 400 for malformed ones.
ListParams list_params_from_query(const std::map<std::string, std::string>& query);
ListParams list_params_from_body(const nlohmann::json& body);

class RecordReader {
 public:
  explicit RecordReader(db::ConnectionPool& pool) : pool_(pool) {}

  // Pages come back as JSON text: the records in them are written by PostgreSQL (see record_view.hpp).
  std::string list(const std::string& snapshot_id, const std::string& table_id, const ListParams& params);
  nlohmann::json get(const std::string& snapshot_id, const std::string& table_id,
                     const std::string& record_id);
  std::string changes(const std::string& snapshot_id, const std::string& table_id, long long since,
                      int limit);

 private:
  db::ConnectionPool& pool_;
};

// Parses a record id from a path ("1042"); 404 when it is not one.
long long parse_record_id(const std::string& text);

}  // namespace scratch::snapshots

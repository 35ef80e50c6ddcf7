// What the database's tables look like: columns, types, primary keys, read from pg_catalog.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "connection.hpp"
#include "type_mapping.hpp"

namespace scratch::postgres {

struct Column {
  std::string name;
  std::string sql_type;  // "schema"."typname": a cast target without typmod, see catalog.cpp
  PgType type;
  FieldType field_type;
  bool read_only;                    // generated, identity ALWAYS, bytea, or the table has no primary key
  std::vector<std::string> options;  // enum labels in their sort order, for SingleSelect
};

struct Table {
  std::string schema;
  std::string name;
  std::vector<Column> columns;   // in attnum order
  std::vector<std::size_t> key;  // primary key, as indexes into columns, in key order; empty: none

  // The connector's table id: "schema.table".
  std::string id() const { return schema + "." + name; }
  bool has_primary_key() const { return !key.empty(); }
};

// Every readable ordinary and partitioned table in schemas, ordered by schema then name.
std::vector<Table> load_tables(Connection& conn, const std::vector<std::string>& schemas);
// One table by its id; throws scratch::plugin::Error("not_found") when it is not in schemas.
Table load_table(Connection& conn, const std::vector<std::string>& schemas, const std::string& table_id);

// The list_tables entry for a table.
nlohmann::json describe_table(const Table& table);

}  // namespace scratch::postgres

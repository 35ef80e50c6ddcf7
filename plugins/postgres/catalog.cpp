// Reads table structure from pg_catalog in one query, so a call sees one consistent snapshot of it.
#include "catalog.hpp"

#include <algorithm>
#include <optional>
#include <scratch/plugin.hpp>

#include "db_error.hpp"

namespace scratch::postgres {
namespace {

// Casts name the column's type by schema and pg_type name, without a typmod: an explicit cast to
// varchar(10) would silently truncate (and format_type's bare "character" or "bit" would even mean length
// 1), whereas a cast to the unconstrained type followed by the column's own assignment coercion reports a
// value that is too long. Domains resolve (one level) to their base type for the canonical type, but casts
// keep the domain so its CHECK constraints apply. Partitions are left out: their parent lists their rows.
constexpr const char* kColumnsSql = R"sql(
SELECT n.nspname, c.relname, a.attname, tn.nspname, t.typname, bt.typname, bt.typtype,
       bt.typcategory, (a.attgenerated <> '' OR a.attidentity = 'a'), pk.position,
       CASE WHEN bt.typtype = 'e' THEN
         (SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = bt.oid)
       END
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_namespace tn ON tn.oid = t.typnamespace
JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
LEFT JOIN LATERAL (
  SELECT k.position FROM pg_index i, unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
  WHERE i.indrelid = c.oid AND i.indisprimary AND k.attnum = a.attnum
) pk ON true
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname IN (SELECT json_array_elements_text($1::json))
  AND ($2::text IS NULL OR n.nspname || '.' || c.relname = $2::text)
  AND has_table_privilege(c.oid, 'SELECT')
ORDER BY n.nspname, c.relname, a.attnum
)sql";

std::vector<Table> query_tables(Connection& conn, const std::vector<std::string>& schemas,
                                const std::optional<std::string>& table_id) {
  PgResult r = [&] {
    try {
      return conn.exec(kColumnsSql, {nlohmann::json(schemas).dump(), table_id});
    } catch (const DbError& e) {
      throw to_plugin_error(e);
    }
  }();

  std::vector<Table> tables;
  std::vector<std::pair<long, std::size_t>> key_positions;  // (position in key, column index)
  const auto finish_table = [&] {
    if (tables.empty()) return;
    std::sort(key_positions.begin(), key_positions.end());
    for (const auto& [position, index] : key_positions)
      tables.back().key.push_back(index);
    key_positions.clear();
    // Without a key there is no way to address a row for update or delete.
    if (!tables.back().has_primary_key()) {
      for (auto& column : tables.back().columns)
        column.read_only = true;
    }
  };

  for (int row = 0; row < r.rows(); ++row) {
    const std::string schema(r.value(row, 0)), name(r.value(row, 1));
    if (tables.empty() || tables.back().schema != schema || tables.back().name != name) {
      finish_table();
      tables.push_back(Table{schema, name, {}, {}});
    }
    Table& table = tables.back();
    Column column;
    column.name = r.value(row, 2);
    column.sql_type = conn.quote_ident(r.value(row, 3)) + "." + conn.quote_ident(r.value(row, 4));
    column.type = PgType{std::string(r.value(row, 5)), r.value(row, 6).front(), r.value(row, 7).front()};
    column.field_type = canonical_type(column.type);
    column.read_only = r.value(row, 8) == "t" || is_read_only_type(column.type);
    if (!r.is_null(row, 9)) {
      key_positions.emplace_back(std::stol(std::string(r.value(row, 9))), table.columns.size());
    }
    if (!r.is_null(row, 10)) {
      for (const auto& label : nlohmann::json::parse(r.value(row, 10))) {
        column.options.push_back(label.get<std::string>());
      }
    }
    table.columns.push_back(std::move(column));
  }
  finish_table();
  return tables;
}

}  // namespace

std::vector<Table> load_tables(Connection& conn, const std::vector<std::string>& schemas) {
  return query_tables(conn, schemas, std::nullopt);
}

Table load_table(Connection& conn, const std::vector<std::string>& schemas, const std::string& table_id) {
  auto tables = query_tables(conn, schemas, table_id);
  if (tables.empty())
    throw plugin::Error("not_found", "no table \"" + table_id + "\" in the configured schemas");
  return std::move(tables.front());
}

nlohmann::json describe_table(const Table& table) {
  nlohmann::json fields = nlohmann::json::array();
  for (const auto& column : table.columns) {
    nlohmann::json field = {{"id", column.name},
                            {"name", column.name},
                            {"type", field_type_name(column.field_type)},
                            {"read_only", column.read_only}};
    if (column.field_type == FieldType::SingleSelect) field["options"] = column.options;
    fields.push_back(std::move(field));
  }
  nlohmann::json key = nlohmann::json::array();
  for (const auto index : table.key)
    key.push_back(table.columns[index].name);
  return {{"id", table.id()},
          {"name", table.schema == "public" ? table.name : table.id()},
          {"primary_key", std::move(key)},
          {"read_only", !table.has_primary_key()},
          {"fields", std::move(fields)}};
}

}  // namespace scratch::postgres

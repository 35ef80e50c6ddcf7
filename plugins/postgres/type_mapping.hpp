// How PostgreSQL column types map onto the connector's canonical field types.
#pragma once

#include <string>
#include <string_view>

namespace scratch::postgres {

enum class FieldType { Text, Number, Boolean, Date, Datetime, Json, SingleSelect };

// What the catalog says about a column's type, domains already resolved to their base type.
struct PgType {
  std::string name;  // pg_type.typname of the base type, e.g. "int4", "_text", "mood"
  char typtype;      // 'b' base, 'e' enum, 'c' composite, 'r' range, ...
  char category;     // pg_type.typcategory: 'A' for arrays
};

FieldType canonical_type(const PgType& type);
// Types whose text form does not round-trip through JSON cleanly enough to write (bytea).
bool is_read_only_type(const PgType& type);
const char* field_type_name(FieldType type);

}  // namespace scratch::postgres

// A base's tables from the Meta API (GET /meta/bases/{baseId}/tables), mapped, and cached briefly per
// account so that every read page and write batch need not fetch it again.
#pragma once

#include <scratch/plugin.hpp>
#include <string>
#include <vector>

#include "airtable_api.hpp"
#include "field_mapping.hpp"

namespace scratch::airtable {

struct TableInfo {
  std::string id;  // tbl...
  std::string name;
  std::vector<FieldInfo> fields;
  // A lastModifiedTime field that watches every field: the record's updated_at. Empty when none.
  std::string modified_field_id;

  const FieldInfo* field(const std::string& id) const;
};

// Fetches the schema (and refreshes the cache). Throws call_error's Error when Airtable refuses.
std::vector<TableInfo> fetch_tables(const AirtableApi& api);

// One table by id (or name), from the cache when it is fresh. Error "not_found" when the base has none.
TableInfo table_schema(const AirtableApi& api, const std::string& table);

// The list_tables description of a table.
plugin::json describe_table(const TableInfo& table);

}  // namespace scratch::airtable

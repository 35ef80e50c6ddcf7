// One page of a table's records: GET /{baseId}/{tableId}?pageSize=&offset=&returnFieldsByFieldId=true.
#pragma once

#include <scratch/plugin.hpp>

#include "airtable_api.hpp"
#include "base_schema.hpp"

namespace scratch::airtable {

// The read response ({records, next_cursor}) for request {table, cursor, page_size}.
plugin::json read_page(const AirtableApi& api, plugin::Host& host, const TableInfo& table,
                       const plugin::json& request);

}  // namespace scratch::airtable

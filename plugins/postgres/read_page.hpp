// The read contract: one page of a table's rows in primary key order.
#pragma once

#include <nlohmann/json.hpp>

#include "catalog.hpp"
#include "connection.hpp"

namespace scratch::postgres {

// request: {"table","cursor":string|null,"page_size":int}
// -> {"records":[{"id","fields","updated_at":null}],"next_cursor":string|null}
nlohmann::json read_page(Connection& conn, const Table& table, const nlohmann::json& request);

}  // namespace scratch::postgres

// Keyset paging: WHERE (k1, k2) > (last k1, last k2) ORDER BY k1, k2 stays correct and fast however deep
// the page, unlike OFFSET. Tables without a primary key page by ctid, which is best effort: a row updated
// during a scan moves to a new ctid and can be seen twice or missed.
#include "read_page.hpp"

#include <optional>
#include <string>

#include <algorithm>
#include <scratch/plugin.hpp>

#include "cursor.hpp"
#include "db_error.hpp"
#include "row_codec.hpp"
#include "spec.hpp"

namespace scratch::postgres {
namespace {

int page_size_of(const nlohmann::json& request) {
  const auto it = request.find("page_size");
  if (it == request.end() || !it->is_number_integer()) return kDefaultPageSize;
  const auto requested = it->get<long long>();
  return static_cast<int>(std::clamp<long long>(requested, 1, kMaxPageSize));
}

}  // namespace

// The table's row count for the download's progress, on the first page only: exact (count(*)) up to 256 MB,
// the planner's estimate past that (a full count there would cost a scan of its own); nullopt when unknown.
std::optional<long long> row_total(Connection& conn, const Table& table) {
  const std::string qualified = conn.quote_ident(table.schema) + "." + conn.quote_ident(table.name);
  try {
    PgResult stats = conn.exec(
        "SELECT c.reltuples::bigint, pg_relation_size(c.oid) FROM pg_class c WHERE c.oid = to_regclass($1)",
        {qualified});
    if (stats.rows() != 1) return std::nullopt;
    const long long estimate = std::stoll(std::string(stats.value(0, 0)));
    const long long bytes = std::stoll(std::string(stats.value(0, 1)));
    if (bytes > (256LL << 20) && estimate >= 0) return estimate;
    PgResult counted = conn.exec("SELECT count(*) FROM " + qualified);
    return std::stoll(std::string(counted.value(0, 0)));
  } catch (const std::exception&) {
    return std::nullopt;  // progress without a total is fine; the read itself decides success
  }
}

nlohmann::json read_page(Connection& conn, const Table& table, const nlohmann::json& request) {
  const int page_size = page_size_of(request);
  const auto cursor_it = request.find("cursor");
  const bool has_cursor = cursor_it != request.end() && cursor_it->is_string() &&
                          !cursor_it->get_ref<const std::string&>().empty();

  // Qualified with the table alias: a bare name in ORDER BY would pick the select list's output column of
  // that name first, which is the key's ::text form, and sort 10 before 9.
  std::string order_by;
  std::string params_row;  // the cursor's key as a row of typed parameters
  Params params;
  if (table.has_primary_key()) {
    for (std::size_t i = 0; i < table.key.size(); ++i) {
      const Column& column = table.columns[table.key[i]];
      if (i > 0) {
        order_by += ", ";
        params_row += ", ";
      }
      order_by += "src." + conn.quote_ident(column.name);
      params_row += "$" + std::to_string(i + 1) + "::" + column.sql_type;
    }
  } else {
    order_by = "src.ctid";
    params_row = "$1::tid";
  }

  std::string sql = "SELECT " + select_list(conn, table) + " FROM " + conn.quote_ident(table.schema) + "." +
                    conn.quote_ident(table.name) + " AS src";
  if (has_cursor) {
    const std::size_t width = table.has_primary_key() ? table.key.size() : 1;
    for (auto& part : decode_cursor(cursor_it->get<std::string>(), width))
      params.emplace_back(std::move(part));
    // Row comparison uses each column's btree order, the same order ORDER BY uses.
    sql += " WHERE (" + order_by + ") > (" + params_row + ")";
  }
  // One row more than asked for tells whether another page exists without a second query.
  sql += " ORDER BY " + order_by + " LIMIT " + std::to_string(page_size + 1);

  PgResult result = [&] {
    try {
      return conn.exec(sql, params);
    } catch (const DbError& e) {
      // A cursor whose key no longer parses as the column's type (the table changed) is a cursor problem.
      if (has_cursor && classify_sqlstate(e.sqlstate()).code == "invalid_value") {
        throw plugin::Error("invalid_cursor",
                            std::string("the cursor no longer fits this table: ") + e.what());
      }
      throw to_plugin_error(e);
    }
  }();

  nlohmann::json records = nlohmann::json::array();
  const int rows = std::min(result.rows(), page_size);
  std::vector<std::string> last_key;
  for (int row = 0; row < rows; ++row) {
    DecodedRow decoded = decode_row(table, result, row);
    records.push_back(
        {{"id", std::move(decoded.id)}, {"fields", std::move(decoded.fields)}, {"updated_at", nullptr}});
    last_key = std::move(decoded.key_texts);
  }
  nlohmann::json next_cursor = nullptr;
  if (result.rows() > page_size) next_cursor = encode_cursor(last_key);
  nlohmann::json page = {{"records", std::move(records)}, {"next_cursor", std::move(next_cursor)}};
  if (!has_cursor) {
    if (auto total = row_total(conn, table)) page["total"] = *total;
  }
  return page;
}

}  // namespace scratch::postgres

#include "snapshots/record_reader.hpp"

#include <charconv>
#include <pqxx/pqxx>

#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"
#include "db/transaction.hpp"
#include "http/problem.hpp"
#include "snapshots/field_indexes.hpp"
#include "snapshots/record_filter.hpp"
#include "snapshots/record_view.hpp"
#include "snapshots/table_info.hpp"

namespace scratch::snapshots {
namespace {

using nlohmann::json;

http::ApiError bad_param(const std::string& name, const std::string& detail) {
  return http::ApiError(400, "invalid_parameter", "Invalid parameter", name + ": " + detail);
}

int parse_limit(const std::string& text) {
  int v = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v < 1 || v > 1000)
    throw bad_param("limit", "must be an integer from 1 to 1000");
  return v;
}

std::set<std::string> split_fields(const std::string& text) {
  std::set<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t comma = text.find(',', start);
    const std::string part =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!part.empty()) out.insert(part);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// The cursor names the query it belongs to, so it cannot be replayed with other parameters.
std::string query_hash(const ListParams& p) {
  const std::string text =
      p.filter.dump() + "|" + p.sort.dump() + "|" + p.search + "|" + (p.live_only ? "1" : "0");
  return crypto::hex_encode(crypto::sha256(text)).substr(0, 16);
}

http::ApiError invalid_cursor() {
  return http::ApiError(400, "invalid_cursor", "Invalid cursor",
                        "the cursor is malformed or belongs to a different filter, sort or search");
}

}  // namespace

long long parse_record_id(const std::string& text) {
  long long v = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v <= 0)
    throw http::errors::not_found("record " + text);
  return v;
}

ListParams list_params_from_query(const std::map<std::string, std::string>& query) {
  ListParams p;
  auto get = [&](const char* k) -> const std::string* {
    auto it = query.find(k);
    return it == query.end() ? nullptr : &it->second;
  };
  if (const auto* f = get("filter"); f && !f->empty()) {
    try {
      p.filter = json::parse(*f);
    } catch (const json::exception&) {
      throw http::ApiError(400, "invalid_filter", "Invalid filter", "filter must be JSON");
    }
  }
  if (const auto* s = get("sort"); s && !s->empty()) p.sort = *s;
  if (const auto* s = get("search")) p.search = *s;
  if (const auto* s = get("fields")) p.fields = split_fields(*s);
  if (const auto* s = get("limit")) p.limit = parse_limit(*s);
  if (const auto* s = get("cursor")) p.cursor = *s;
  if (const auto* s = get("include_total")) p.include_total = *s == "true" || *s == "1";
  if (const auto* s = get("include")) {
    if (*s != "all" && *s != "live") throw bad_param("include", "must be all or live");
    p.live_only = *s == "live";
  }
  return p;
}

ListParams list_params_from_body(const json& body) {
  ListParams p;
  for (const auto& [k, v] : body.items()) {
    if (k == "filter")
      p.filter = v;
    else if (k == "sort")
      p.sort = v;
    else if (k == "search") {
      if (!v.is_string()) throw bad_param("search", "must be a string");
      p.search = v;
    } else if (k == "fields") {
      if (v.is_string())
        p.fields = split_fields(v);
      else if (v.is_array()) {
        for (const auto& f : v)
          if (f.is_string()) p.fields.insert(f.get<std::string>());
      } else
        throw bad_param("fields", "must be an array of field ids");
    } else if (k == "limit") {
      if (!v.is_number_integer() || v.get<long long>() < 1 || v.get<long long>() > 1000)
        throw bad_param("limit", "must be an integer from 1 to 1000");
      p.limit = v;
    } else if (k == "cursor") {
      if (!v.is_null() && !v.is_string()) throw bad_param("cursor", "must be a string");
      if (v.is_string()) p.cursor = v;
    } else if (k == "include_total") {
      p.include_total = v.is_boolean() && v.get<bool>();
    } else if (k == "include") {
      if (v != "all" && v != "live") throw bad_param("include", "must be all or live");
      p.live_only = v == "live";
    } else {
      throw bad_param(k, "unknown parameter");
    }
  }
  return p;
}

std::string RecordReader::list(const std::string& snapshot_id, const std::string& table_id,
                               const ListParams& params) {
  std::set<std::string> used;
  std::string out = db::with_read(pool_, [&](pqxx::read_transaction& tx) {
    const TableInfo table = load_table(tx, snapshot_id, table_id);
    const Quote quote = [&tx](const std::string& s) { return tx.quote(s); };
    const auto keys = parse_sort(params.sort, table);
    if (table.record_count >= kIndexThreshold) {
      std::set<std::string> wanted = filter_fields(params.filter);
      for (const auto& k : keys)
        wanted.insert(k.field);
      if (!params.search.empty()) wanted.insert(kSearchIndex);
      for (const auto& f : wanted)
        if (!table.indexed_fields.count(f)) used.insert(f);
    }
    std::string where = "r.table_id = " + quote(table_id) + "::uuid AND " +
                        compile_filter(params.filter, table, quote) + " AND " +
                        search_condition(params.search, quote);
    if (params.live_only) where += " AND NOT r.suggested_create";
    const std::string base_where = where;
    const std::string hash = query_hash(params);
    if (!params.cursor.empty()) {
      const auto decoded = crypto::base64url_decode(params.cursor);
      json c;
      try {
        if (!decoded) throw invalid_cursor();
        c = json::parse(*decoded);
      } catch (const json::exception&) {
        throw invalid_cursor();
      }
      if (!c.is_object() || c.value("h", "") != hash || !c.contains("i") || !c["i"].is_number_integer() ||
          !c.contains("v") || !c["v"].is_array() || c["v"].size() != keys.size())
        throw invalid_cursor();
      where += " AND " + after_condition(keys, c["v"], c["i"].get<long long>(), quote);
    }
    const std::string order = order_by(keys, quote);
    std::string key_select;
    for (const auto& k : keys)
      key_select += ", " + sort_expression(k, quote) + "::text";
    const auto rows = tx.exec("SELECT " + record_json_sql(params.fields, quote) + ", r.id" + key_select +
                              " FROM records r WHERE " + where + " ORDER BY " + order + " LIMIT " +
                              std::to_string(params.limit + 1));
    // The records go out as PostgreSQL wrote them; only the envelope is built here.
    std::string items;
    json next = nullptr;
    const int n = static_cast<int>(rows.size());
    for (int i = 0; i < n && i < params.limit; ++i)
      items += (i ? "," : "") + std::string(rows[i][0].c_str());
    if (n > params.limit) {
      const auto& last = rows[params.limit - 1];
      json values = json::array();
      for (std::size_t k = 0; k < keys.size(); ++k)
        values.push_back(json::parse(last[2 + static_cast<int>(k)].c_str()));
      next =
          crypto::base64url_encode(json{{"v", values}, {"i", last[1].as<long long>()}, {"h", hash}}.dump());
    }
    std::string page = "{\"items\":[" + items + "],\"next_cursor\":" + next.dump();
    if (params.include_total)
      page += ",\"total\":" +
              tx.exec("SELECT count(*) FROM records r WHERE " + base_where)[0][0].as<std::string>();
    return page + "}";
  });
  request_field_indexes(pool_, table_id, used);
  return out;
}

json RecordReader::get(const std::string& snapshot_id, const std::string& table_id,
                       const std::string& record_id) {
  const long long id = parse_record_id(record_id);
  return db::with_read(pool_, [&](pqxx::read_transaction& tx) {
    load_table(tx, snapshot_id, table_id);
    const Quote quote = [&tx](const std::string& s) { return tx.quote(s); };
    const auto rows = tx.exec_params(
        "SELECT " + record_json_sql({}, quote) + " FROM records r WHERE r.table_id = $1::uuid AND r.id = $2",
        table_id, id);
    if (rows.empty()) throw http::errors::not_found("record " + record_id);
    return json::parse(rows[0][0].c_str());
  });
}

std::string RecordReader::changes(const std::string& snapshot_id, const std::string& table_id,
                                  long long since, int limit) {
  return db::with_read(pool_, [&](pqxx::read_transaction& tx) {
    load_table(tx, snapshot_id, table_id);
    // Records and tombstones after `since`, in sequence order; one past the limit says whether more wait.
    const Quote quote = [&tx](const std::string& s) { return tx.quote(s); };
    const auto rows = tx.exec_params(
        "SELECT * FROM ("
        "  SELECT r.seq AS s, " +
            record_json_sql({}, quote) +
            " AS j "
            "  FROM records r WHERE r.table_id = $1::uuid AND r.seq > $2 "
            "  UNION ALL "
            "  SELECT t.seq, jsonb_build_object('id', t.record_id::text, 'remote_id', t.remote_id, "
            "'removed', true, "
            "         'seq', t.seq)::text "
            "  FROM record_tombstones t WHERE t.table_id = $1::uuid AND t.seq > $2"
            ") x ORDER BY s LIMIT $3",
        table_id, since, limit + 1);
    std::string items;
    long long next_since = since;
    const int n = static_cast<int>(rows.size());
    for (int i = 0; i < n && i < limit; ++i) {
      next_since = rows[i][0].as<long long>();
      items += (i ? "," : "") + std::string(rows[i][1].c_str());
    }
    return "{\"items\":[" + items + "],\"next_since\":" + std::to_string(next_since) +
           ",\"has_more\":" + (n > limit ? "true" : "false") + "}";
  });
}

}  // namespace scratch::snapshots

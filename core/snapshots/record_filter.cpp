#include "snapshots/record_filter.hpp"

#include "http/problem.hpp"
#include "snapshots/record_view.hpp"

namespace scratch::snapshots {
namespace {

using nlohmann::json;

http::ApiError invalid_filter(const std::string& detail) {
  return http::ApiError(400, "invalid_filter", "Invalid filter", detail);
}

std::string jsonb(const json& v, const Quote& quote) {
  return quote(v.dump()) + "::jsonb";
}

// LIKE pattern text with its wildcards escaped.
std::string like_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string text_of(const json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

std::string pseudo_condition(const std::string& field, const std::string& op, const json& value,
                             const Quote& quote) {
  if (field == "$state") {
    static const std::set<std::string> states = {"synced", "edited", "created", "deleted", "suggested"};
    const auto check = [](const json& v) {
      if (!v.is_string() || !states.count(v.get<std::string>()))
        throw invalid_filter("$state values are synced, edited, created, deleted or suggested, not " +
                             v.dump());
    };
    if (op == "in") {
      if (!value.is_array()) throw invalid_filter("$state in: value must be an array");
      std::string list;
      for (const auto& v : value) {
        check(v);
        list += (list.empty() ? "" : ", ") + quote(text_of(v));
      }
      return list.empty() ? "FALSE" : std::string(kStateSql) + " IN (" + list + ")";
    }
    if (op == "eq" || op == "ne") {
      check(value);
      return std::string(kStateSql) + (op == "eq" ? " = " : " <> ") + quote(text_of(value));
    }
    throw invalid_filter("$state supports eq, ne and in");
  }
  std::string expr;
  if (field == "$has_suggestions")
    expr = "r.pending";
  else if (field == "$has_conflicts")
    expr = "(r.conflicts <> '{}')";
  else if (field == "$has_error")
    expr = "(r.publish_error IS NOT NULL)";
  else
    throw invalid_filter("unknown pseudo-field '" + field + "'");
  if (op != "eq" || !value.is_boolean()) throw invalid_filter(field + " supports eq with true or false");
  return value.get<bool>() ? expr : "NOT " + expr;
}

std::string condition(const json& c, const TableInfo& table, const Quote& quote) {
  if (!c.contains("field") || !c["field"].is_string()) throw invalid_filter("a condition needs a 'field'");
  if (!c.contains("op") || !c["op"].is_string()) throw invalid_filter("a condition needs an 'op'");
  const std::string field = c["field"];
  const std::string op = c["op"];
  const json value = c.contains("value") ? c["value"] : json(nullptr);
  if (!field.empty() && field[0] == '$') return pseudo_condition(field, op, value, quote);
  const json* spec = table.field(field);
  if (!spec) throw invalid_filter("unknown field '" + field + "'");
  const std::string type = spec->value("type", "json");
  const bool array_type = type == "multi_select" || type == "link" || type == "attachment";
  const std::string v = "COALESCE(r.vals -> " + quote(field) + ", 'null'::jsonb)";
  const std::string text = "COALESCE(r.vals ->> " + quote(field) + ", '')";

  if (op == "eq") return v + " = " + jsonb(value, quote);
  if (op == "ne") return v + " <> " + jsonb(value, quote);
  if (op == "is_empty" || op == "is_not_empty") {
    const std::string empty = v + " IN ('null'::jsonb, '\"\"'::jsonb, '[]'::jsonb)";
    return op == "is_empty" ? empty : "NOT (" + empty + ")";
  }
  if (op == "in") {
    if (!value.is_array()) throw invalid_filter("'in' needs an array value");
    if (value.size() > 1000) throw invalid_filter("'in' takes at most 1000 values");
    std::string list;
    for (const auto& e : value)
      list += (list.empty() ? "" : ", ") + jsonb(e, quote);
    return list.empty() ? "FALSE" : v + " IN (" + list + ")";
  }
  if (op == "contains" || op == "not_contains") {
    if (value.is_null()) throw invalid_filter("'" + op + "' needs a value");
    std::string cond;
    if (array_type)
      cond = v + " @> " + jsonb(json::array({value}), quote);
    else
      cond = text + " ILIKE " + quote("%" + like_escape(text_of(value)) + "%");
    return op == "contains" ? cond : "NOT (" + cond + ")";
  }
  if (op == "starts_with") {
    if (value.is_null()) throw invalid_filter("'starts_with' needs a value");
    return text + " ILIKE " + quote(like_escape(text_of(value)) + "%");
  }
  if (op == "gt" || op == "gte" || op == "lt" || op == "lte") {
    if (!value.is_number() && !value.is_string())
      throw invalid_filter("'" + op + "' needs a number or a string value");
    const char* sql_op = op == "gt" ? ">" : op == "gte" ? ">=" : op == "lt" ? "<" : "<=";
    if (type == "number" && value.is_number()) {
      // Numbers compare numerically; decimal strings (big numbers) are cast.
      return "(jsonb_typeof(" + v + ") = 'number' AND " + v + " " + sql_op + " " + jsonb(value, quote) + ")";
    }
    // Text, dates and date-times compare by their ISO text.
    return "(jsonb_typeof(" + v + ") = " + quote(value.is_number() ? "number" : "string") + " AND " + v +
           " " + sql_op + " " + jsonb(value, quote) + ")";
  }
  throw invalid_filter("unknown op '" + op + "'");
}

std::string compile(const json& f, const TableInfo& table, const Quote& quote, int depth) {
  if (depth > 16) throw invalid_filter("the filter nests too deeply");
  if (!f.is_object()) throw invalid_filter("a filter is an object: a condition or {\"and\"|\"or\": [...]}");
  for (const char* group : {"and", "or"}) {
    if (!f.contains(group)) continue;
    if (f.size() != 1) throw invalid_filter(std::string("a '") + group + "' group takes no other keys");
    const json& items = f[group];
    if (!items.is_array()) throw invalid_filter(std::string("'") + group + "' needs an array");
    if (items.empty()) return std::string(group) == "and" ? "TRUE" : "FALSE";
    std::string out;
    for (const auto& item : items)
      out += (out.empty() ? "" : (std::string(group) == "and" ? " AND " : " OR ")) +
             compile(item, table, quote, depth + 1);
    return "(" + out + ")";
  }
  if (f.contains("not")) return "NOT (" + compile(f["not"], table, quote, depth + 1) + ")";
  return "(" + condition(f, table, quote) + ")";
}

}  // namespace

std::string compile_filter(const json& filter, const TableInfo& table, const Quote& quote) {
  if (filter.is_null() || (filter.is_object() && filter.empty())) return "TRUE";
  return compile(filter, table, quote, 0);
}

std::set<std::string> filter_fields(const json& filter) {
  std::set<std::string> out;
  if (filter.is_object()) {
    if (filter.contains("field") && filter["field"].is_string()) {
      const std::string f = filter["field"];
      if (!f.empty() && f[0] != '$') out.insert(f);
    }
    for (const char* k : {"and", "or"})
      if (filter.contains(k) && filter[k].is_array())
        for (const auto& item : filter[k]) {
          auto inner = filter_fields(item);
          out.insert(inner.begin(), inner.end());
        }
    if (filter.contains("not")) {
      auto inner = filter_fields(filter["not"]);
      out.insert(inner.begin(), inner.end());
    }
  }
  return out;
}

std::string order_by(const std::vector<SortKey>& keys, const Quote& quote) {
  std::string order;
  for (const auto& k : keys)
    order += sort_expression(k, quote) + (k.descending ? " DESC, " : " ASC, ");
  return order + "r.id" + (!keys.empty() && keys.back().descending ? " DESC" : " ASC");
}

std::vector<SortKey> parse_sort(const json& spec, const TableInfo& table) {
  std::vector<SortKey> keys;
  auto add = [&](const std::string& field, const std::string& dir) {
    if (!table.field(field))
      throw http::ApiError(400, "invalid_sort", "Invalid sort", "unknown field '" + field + "'");
    if (dir != "asc" && dir != "desc")
      throw http::ApiError(400, "invalid_sort", "Invalid sort",
                           "direction must be asc or desc, not '" + dir + "'");
    keys.push_back({field, dir == "desc"});
  };
  if (spec.is_null()) return keys;
  if (spec.is_string()) {
    const std::string text = spec;
    std::size_t start = 0;
    while (start <= text.size() && !text.empty()) {
      const std::size_t comma = text.find(',', start);
      const std::string part =
          text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!part.empty()) {
        const std::size_t colon = part.rfind(':');
        if (colon == std::string::npos)
          add(part, "asc");
        else
          add(part.substr(0, colon), part.substr(colon + 1));
      }
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  } else if (spec.is_array()) {
    for (const auto& k : spec) {
      if (!k.is_object() || !k.contains("field") || !k["field"].is_string())
        throw http::ApiError(400, "invalid_sort", "Invalid sort", "each sort key is {field, dir}");
      add(k["field"], k.value("dir", "asc"));
    }
  } else {
    throw http::ApiError(400, "invalid_sort", "Invalid sort", "sort is 'field:asc,...' or [{field, dir}]");
  }
  if (keys.size() > 8) throw http::ApiError(400, "invalid_sort", "Invalid sort", "at most 8 sort keys");
  return keys;
}

std::string sort_expression(const SortKey& key, const Quote& quote) {
  return "COALESCE(r.vals -> " + quote(key.field) + ", 'null'::jsonb)";
}

std::string search_condition(const std::string& search, const Quote& quote) {
  if (search.empty()) return "TRUE";
  return "jsonb_to_tsvector('simple'::regconfig, r.vals, '[\"string\"]'::jsonb) @@ "
         "websearch_to_tsquery('simple', " +
         quote(search) + ")";
}

std::string after_condition(const std::vector<SortKey>& keys, const json& values, long long id,
                            const Quote& quote) {
  // (k0 > v0) OR (k0 = v0 AND k1 > v1) OR ... OR (all equal AND id > last id), with > flipped for desc.
  std::string out;
  std::string equal_prefix;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const std::string expr = sort_expression(keys[i], quote);
    const std::string value = jsonb(values.at(i), quote);
    out += (out.empty() ? "" : " OR ") + std::string("(") + equal_prefix + expr +
           (keys[i].descending ? " < " : " > ") + value + ")";
    equal_prefix += expr + " = " + value + " AND ";
  }
  const bool id_descending = !keys.empty() && keys.back().descending;
  out += (out.empty() ? "" : " OR ") + std::string("(") + equal_prefix + "r.id " +
         (id_descending ? "<" : ">") + " " + std::to_string(id) + ")";
  return "(" + out + ")";
}

}  // namespace scratch::snapshots

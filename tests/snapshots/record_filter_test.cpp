// The filter compiler turns our JSON filters into SQL: every user text goes through quoting, unknown fields
// and operators are refused with invalid_filter, and keyset conditions follow the sort order.
#include <gtest/gtest.h>

#include "http/problem.hpp"
#include "snapshots/field_values.hpp"
#include "snapshots/record_filter.hpp"

namespace scratch::snapshots {
namespace {

using nlohmann::json;

// A stand-in for the database's quoting that makes quoted text easy to spot.
std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

TableInfo table() {
  TableInfo t;
  t.id = "00000000-0000-0000-0000-000000000001";
  t.fields = json::parse(R"([
    {"id": "title", "type": "text"}, {"id": "price", "type": "number"},
    {"id": "tags", "type": "multi_select", "options": ["a", "b"]}, {"id": "due", "type": "date"},
    {"id": "calc", "type": "number", "read_only": true}])");
  return t;
}

std::string code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const http::ApiError& e) {
    return e.code();
  }
  return "";
}

TEST(RecordFilter, CompilesConditionsAndGroupsWithQuotedValues) {
  const auto sql = compile_filter(json::parse(R"({"and": [
      {"field": "title", "op": "contains", "value": "it's 100%"},
      {"or": [{"field": "price", "op": "gt", "value": 10}, {"field": "tags", "op": "contains", "value": "a"}]}]})"),
                                  table(), quote);
  EXPECT_NE(sql.find("ILIKE '%it''s 100\\%%'"), std::string::npos) << sql;  // quote doubled, % escaped
  EXPECT_NE(sql.find(" AND "), std::string::npos);
  EXPECT_NE(sql.find(" OR "), std::string::npos);
  EXPECT_NE(sql.find("@> '[\"a\"]'::jsonb"), std::string::npos) << sql;  // arrays: element containment
  EXPECT_NE(sql.find("jsonb_typeof"), std::string::npos) << sql;         // gt never matches nulls
}

TEST(RecordFilter, EveryOperatorCompiles) {
  for (const char* op : {"eq", "ne", "contains", "not_contains", "starts_with", "gt", "gte", "lt", "lte",
                         "is_empty", "is_not_empty"}) {
    EXPECT_NO_THROW(compile_filter({{"field", "title"}, {"op", op}, {"value", "x"}}, table(), quote)) << op;
  }
  EXPECT_NO_THROW(compile_filter({{"field", "price"}, {"op", "in"}, {"value", {1, 2, 3}}}, table(), quote));
  EXPECT_NO_THROW(
      compile_filter({{"field", "$state"}, {"op", "in"}, {"value", {"edited", "created"}}}, table(), quote));
  EXPECT_EQ(compile_filter(nullptr, table(), quote), "TRUE");
}

TEST(RecordFilter, RefusesUnknownFieldsOperatorsAndShapes) {
  EXPECT_EQ(code_of([] {
              compile_filter({{"field", "nope"}, {"op", "eq"}, {"value", 1}}, table(), quote);
            }),
            "invalid_filter");
  EXPECT_EQ(code_of([] {
              compile_filter({{"field", "title"}, {"op", "matches"}, {"value", 1}}, table(), quote);
            }),
            "invalid_filter");
  EXPECT_EQ(code_of([] {
              compile_filter({{"field", "title"}, {"op", "in"}, {"value", "x"}}, table(), quote);
            }),
            "invalid_filter");
  EXPECT_EQ(code_of([] { compile_filter(json::array(), table(), quote); }), "invalid_filter");
  EXPECT_EQ(code_of([] {
              compile_filter({{"and", {{{"field", "title"}}}}}, table(), quote);
            }),
            "invalid_filter");
  // A field name is data, never SQL: a hostile one is just an unknown field.
  EXPECT_EQ(code_of([] {
              compile_filter({{"field", "x'); DROP TABLE records; --"}, {"op", "eq"}, {"value", 1}}, table(),
                             quote);
            }),
            "invalid_filter");
}

TEST(RecordFilter, SortParsingAndKeysetFollowDirections) {
  const auto keys = parse_sort("price:desc,title", table());
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_TRUE(keys[0].descending);
  EXPECT_FALSE(keys[1].descending);
  EXPECT_EQ(code_of([] { parse_sort("nope:asc", table()); }), "invalid_sort");
  EXPECT_EQ(code_of([] { parse_sort("price:sideways", table()); }), "invalid_sort");

  const auto after = after_condition(keys, json::array({10, "b"}), 42, quote);
  EXPECT_NE(after.find("< '10'::jsonb"), std::string::npos) << after;  // desc key: later rows are smaller
  EXPECT_NE(after.find("> '\"b\"'::jsonb"), std::string::npos) << after;
  EXPECT_NE(after.find("r.id > 42"), std::string::npos) << after;  // last key asc: ids ascend
  const auto single_desc = after_condition(parse_sort("price:desc", table()), json::array({1}), 7, quote);
  EXPECT_NE(single_desc.find("r.id < 7"), std::string::npos) << single_desc;
  EXPECT_EQ(order_by(parse_sort("price:desc", table()), quote),
            "COALESCE(r.vals -> 'price', 'null'::jsonb) DESC, r.id DESC");
}

TEST(FieldValues, ChecksTypesWritabilityAndOptions) {
  EXPECT_EQ(value_problem({{"type", "number"}}, "12.50"), "");
  EXPECT_NE(value_problem({{"type", "number"}}, "twelve"), "");
  EXPECT_NE(value_problem({{"type", "date"}}, "2024-13"), "");
  EXPECT_EQ(value_problem({{"type", "datetime"}}, "2024-05-01T12:30:00Z"), "");
  EXPECT_NE(value_problem({{"type", "text"}}, "two\nlines"), "");
  EXPECT_NE(value_problem(table().fields[2], json::array({"a", "zzz"})), "");
  EXPECT_EQ(value_problem({{"type", "boolean"}}, nullptr), "");
  EXPECT_EQ(code_of([] { validate_values(table(), {{"calc", 1}}); }), "read_only_field");
  EXPECT_EQ(code_of([] { validate_values(table(), {{"ghost", 1}}); }), "unknown_field");
  EXPECT_EQ(code_of([] { validate_values(table(), {{"price", "cheap"}}); }), "invalid_value");
  EXPECT_EQ(code_of([] { validate_values(table(), {{"title", "ok"}, {"price", 3}}); }), "");
}

}  // namespace
}  // namespace scratch::snapshots

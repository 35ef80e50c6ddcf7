// Listing records over HTTP, checked against what the PostgreSQL source holds: cursor pagination, every
// filter op with and/or, multi-field sort, full-text search, projection, totals, and the errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <set>

#include "snapshot_fixture.hpp"

namespace scratch::test {
namespace {

using nlohmann::json;

// A record's value of a field; missing counts as null.
json value_of(const json& record, const std::string& field, const std::string& part = "values") {
  if (!record.contains(part) || !record[part].is_object()) return nullptr;
  return record[part].value(field, json(nullptr));
}

std::vector<std::string> remote_ids(const json& records) {
  std::vector<std::string> out;
  for (auto r : records)
    out.push_back(r["remote_id"].is_string() ? r["remote_id"].get<std::string>() : "?");
  return out;
}

std::set<std::string> remote_id_set(const json& records) {
  const auto v = remote_ids(records);
  return {v.begin(), v.end()};
}

bool is_empty_value(const json& v) {
  return v.is_null() || (v.is_string() && v.get<std::string>().empty()) || (v.is_array() && v.empty());
}

std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class RecordsListing : public SeededSnapshotTest<36> {
 protected:
  // The source rows matching a predicate, as remote ids.
  std::set<std::string> expected(const std::function<bool(const json&)>& pred) const {
    std::set<std::string> out;
    for (auto r : rows_)
      if (pred(r)) out.insert(std::to_string(r["id"].get<int>()));
    return out;
  }
  // Every match of a filter, through GET with the filter in the query string.
  json list_with_filter(const json& filter, const std::string& extra = "") {
    return all_records(user, s_.snapshot_id, s_.table_id,
                       "filter=" + url_encode(filter.dump()) + (extra.empty() ? "" : "&" + extra));
  }
};

TEST_F(RecordsListing, DownloadedRecordsMatchTheSource) {
  json source =
      source_rows("SELECT id, title, status, price, qty, due, active, notes FROM items ORDER BY id");
  ASSERT_EQ(source.size(), static_cast<std::size_t>(kRows));
  EXPECT_EQ(source, rows_);  // the generator and the source agree (dates as YYYY-MM-DD, NULLs as null)
  json records = all_records(user, s_.snapshot_id, s_.table_id);
  ASSERT_EQ(records.size(), static_cast<std::size_t>(kRows));
  std::set<std::string> ids;
  for (auto row : source) {
    const std::string rid = std::to_string(row["id"].get<int>());
    json r = by_remote_id(records, rid);
    ASSERT_TRUE(r.is_object()) << "no record for remote id " << rid;
    ids.insert(r["id"].get<std::string>());
    EXPECT_EQ(r["table_id"], s_.table_id);
    EXPECT_EQ(r["state"], "synced") << r.dump();
    EXPECT_EQ(r["edits"], json::object()) << r.dump();
    EXPECT_EQ(r["suggestions"], json::object()) << r.dump();
    EXPECT_EQ(r["suggested_delete"], false);
    EXPECT_EQ(r["suggested_create"], false);
    EXPECT_EQ(r["remote_deleted"], false);
    EXPECT_TRUE(r["publish_error"].is_null());
    EXPECT_TRUE(r["seq"].is_number_integer()) << r.dump();
    for (const auto& [column, value] : row.items()) {
      if (column == "id") continue;
      EXPECT_EQ(value_of(r, column), value) << rid << "." << column << " in " << r.dump();
      EXPECT_EQ(value_of(r, column, "downloaded"), value) << rid << "." << column << " in " << r.dump();
    }
  }
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kRows));
  json table = user.get_ok(table_path(s_.snapshot_id, s_.table_id));
  EXPECT_EQ(table["record_count"], kRows);
  EXPECT_EQ(table["dirty_count"], 0);
  EXPECT_EQ(table["pending_count"], 0);
  EXPECT_EQ(table["conflict_count"], 0);

  // One record by id is the same as in the listing.
  json listed = by_remote_id(records, "7");
  json one = user.get_ok(s_.records + "/" + listed["id"].get<std::string>());
  EXPECT_EQ(one["values"], listed["values"]);
  EXPECT_EQ(one["remote_id"], "7");
  EXPECT_EQ(one["values"]["title"], "Green pear 7");
  EXPECT_TRUE(one["values"]["price"].is_null());  // 7 % 7 == 0
  expect_problem(user.get(s_.records + "/999999999"), 404, "not_found");
}

TEST_F(RecordsListing, CursorPagesHaveNoDuplicatesOrGaps) {
  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    json page =
        user.get_ok(s_.records + "?limit=7" + (cursor.empty() ? "" : "&cursor=" + url_encode(cursor)));
    ASSERT_TRUE(page.is_object());
    ASSERT_LE(page["items"].size(), 7u);
    EXPECT_FALSE(page.contains("total")) << "no count unless asked";
    for (auto r : page["items"])
      seen.push_back(r["id"].get<std::string>());
    cursor = page["next_cursor"].is_null() ? "" : page["next_cursor"].get<std::string>();
    ASSERT_LT(++pages, 20);
  } while (!cursor.empty());
  EXPECT_GE(pages, 6);
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kRows));
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), static_cast<std::size_t>(kRows));
  // Default order: record id.
  std::vector<long long> numeric;
  for (auto id : seen)
    numeric.push_back(std::stoll(id));
  EXPECT_TRUE(std::is_sorted(numeric.begin(), numeric.end()));

  // Pages of a sorted, filtered listing join up to the single-page answer.
  json filter = {{"field", "qty"}, {"op", "gte"}, {"value", 3}};
  const std::string q = "sort=" + url_encode("qty:desc,title:asc") + "&filter=" + url_encode(filter.dump());
  json whole = user.get_ok(s_.records + "?limit=1000&" + q);
  std::vector<std::string> joined;
  cursor.clear();
  pages = 0;
  do {
    json page =
        user.get_ok(s_.records + "?limit=4&" + q + (cursor.empty() ? "" : "&cursor=" + url_encode(cursor)));
    ASSERT_TRUE(page.is_object());
    for (auto r : page["items"])
      joined.push_back(r["id"].get<std::string>());
    cursor = page["next_cursor"].is_null() ? "" : page["next_cursor"].get<std::string>();
    ASSERT_LT(++pages, 40);
  } while (!cursor.empty());
  std::vector<std::string> whole_ids;
  for (auto r : whole["items"])
    whole_ids.push_back(r["id"].get<std::string>());
  EXPECT_EQ(joined, whole_ids);
  EXPECT_EQ(remote_id_set(whole["items"]), expected([](const json& r) { return r["qty"].get<int>() >= 3; }));
}

TEST_F(RecordsListing, EveryFilterOpAndAndOrGroups) {
  struct Case {
    json filter;
    std::function<bool(const json&)> pred;
  };
  auto cond = [](const std::string& field, const std::string& op, json value) {
    json c = {{"field", field}, {"op", op}};
    if (!value.is_null()) c["value"] = std::move(value);
    return c;
  };
  auto num = [](const json& r, const char* f) { return r[f].is_null() ? 0.0 : r[f].get<double>(); };
  auto text = [](const json& r, const char* f) {
    return r[f].is_null() ? std::string() : r[f].get<std::string>();
  };
  const std::vector<Case> cases = {
      {cond("status", "eq", "draft"), [&](const json& r) { return text(r, "status") == "draft"; }},
      {cond("qty", "eq", 7), [&](const json& r) { return r["qty"] == 7; }},
      {cond("active", "eq", true), [&](const json& r) { return r["active"] == true; }},
      {cond("status", "ne", "draft"), [&](const json& r) { return text(r, "status") != "draft"; }},
      {cond("title", "contains", "APPLE"),
       [&](const json& r) { return lower(text(r, "title")).find("apple") != std::string::npos; }},
      {cond("title", "not_contains", "pear"),
       [&](const json& r) { return lower(text(r, "title")).find("pear") == std::string::npos; }},
      {cond("title", "starts_with", "blue"),
       [&](const json& r) { return lower(text(r, "title")).rfind("blue", 0) == 0; }},
      // Numbers compare numerically (as text "10.5" < "9").
      {cond("price", "gt", 9), [&](const json& r) { return !r["price"].is_null() && num(r, "price") > 9; }},
      {cond("price", "gte", 9), [&](const json& r) { return !r["price"].is_null() && num(r, "price") >= 9; }},
      {cond("price", "lt", 12), [&](const json& r) { return !r["price"].is_null() && num(r, "price") < 12; }},
      {cond("price", "lte", 10.5),
       [&](const json& r) { return !r["price"].is_null() && num(r, "price") <= 10.5; }},
      {cond("qty", "lt", 3), [&](const json& r) { return r["qty"].get<int>() < 3; }},
      // Dates by their ISO text.
      {cond("due", "gt", "2024-06-15"),
       [&](const json& r) { return !r["due"].is_null() && text(r, "due") > "2024-06-15"; }},
      {cond("due", "gte", "2024-06-16"),
       [&](const json& r) { return !r["due"].is_null() && text(r, "due") >= "2024-06-16"; }},
      {cond("due", "lt", "2024-04-01"),
       [&](const json& r) { return !r["due"].is_null() && text(r, "due") < "2024-04-01"; }},
      {cond("due", "lte", "2024-03-10"),
       [&](const json& r) { return !r["due"].is_null() && text(r, "due") <= "2024-03-10"; }},
      {cond("notes", "is_empty", nullptr), [&](const json& r) { return is_empty_value(r["notes"]); }},
      {cond("notes", "is_not_empty", nullptr), [&](const json& r) { return !is_empty_value(r["notes"]); }},
      {cond("price", "is_empty", nullptr), [&](const json& r) { return r["price"].is_null(); }},
      {cond("due", "is_not_empty", nullptr), [&](const json& r) { return !r["due"].is_null(); }},
      {cond("status", "in", json::array({"draft", "review"})),
       [&](const json& r) { return text(r, "status") == "draft" || text(r, "status") == "review"; }},
      {cond("qty", "in", json::array({0, 7, 9})),
       [&](const json& r) { return r["qty"] == 0 || r["qty"] == 7 || r["qty"] == 9; }},
      {{{"and", {cond("qty", "gte", 5), cond("active", "eq", true)}}},
       [&](const json& r) { return r["qty"].get<int>() >= 5 && r["active"] == true; }},
      {{{"or", {cond("qty", "lt", 2), cond("title", "contains", "plum")}}},
       [&](const json& r) {
         return r["qty"].get<int>() < 2 || text(r, "title").find("plum") != std::string::npos;
       }},
      {{{"and",
         {{{"or", {cond("status", "eq", "draft"), cond("status", "eq", "archived")}}},
          cond("price", "gte", 10),
          cond("notes", "is_not_empty", nullptr)}}},
       [&](const json& r) {
         return (text(r, "status") == "draft" || text(r, "status") == "archived") && !r["price"].is_null() &&
                num(r, "price") >= 10 && !is_empty_value(r["notes"]);
       }},
  };
  for (auto c : cases) {
    SCOPED_TRACE(c.filter.dump());
    const auto want = expected(c.pred);
    ASSERT_FALSE(want.empty());  // a case that matches nothing proves little
    ASSERT_LT(want.size(), static_cast<std::size_t>(kRows));
    json got = list_with_filter(c.filter);
    EXPECT_EQ(remote_id_set(got), want);
    EXPECT_EQ(got.size(), want.size()) << "duplicates";
    // The same through POST .../query with the filter as JSON, counting the matches.
    json queried =
        user.post_ok(s_.records + "/query", {{"filter", c.filter}, {"include_total", true}, {"limit", 1000}});
    EXPECT_EQ(remote_id_set(queried["items"]), want);
    EXPECT_EQ(queried.value("total", -1), static_cast<int>(want.size())) << queried.dump().substr(0, 300);
  }
}

TEST_F(RecordsListing, MultiFieldSortWithMixedDirections) {
  // status ascending, then qty descending, then (ties) record id, in the direction of the last key (the
  // server's keyset order; docs/snapshots.md only says "ties end by record id").
  json sorted = all_records(user, s_.snapshot_id, s_.table_id, "sort=" + url_encode("status:asc,qty:desc"));
  ASSERT_EQ(sorted.size(), static_cast<std::size_t>(kRows));
  json want = sorted;
  std::stable_sort(want.begin(), want.end(), [](const json& a, const json& b) {
    const std::string sa = a.at("values").at("status"), sb = b.at("values").at("status");
    if (sa != sb) return sa < sb;
    const int qa = a.at("values").at("qty"), qb = b.at("values").at("qty");
    if (qa != qb) return qa > qb;
    return std::stoll(a.at("id").get<std::string>()) > std::stoll(b.at("id").get<std::string>());
  });
  EXPECT_EQ(remote_ids(sorted), remote_ids(want));
  // Before sorting the listing is in record-id order, which differs.
  EXPECT_NE(remote_ids(all_records(user, s_.snapshot_id, s_.table_id)), remote_ids(want));
  // The other way round: status descending, qty ascending, ties by record id ascending. Paged in fours, so
  // the keyset conditions are exercised on every key.
  json reverse = all_records(user, s_.snapshot_id, s_.table_id, "sort=" + url_encode("status:desc,qty:asc"));
  json reverse_paged;
  std::string cursor;
  for (int guard = 0; guard < 20; ++guard) {
    json page = user.get_ok(s_.records + "?limit=4&sort=" + url_encode("status:desc,qty:asc") +
                            (cursor.empty() ? "" : "&cursor=" + url_encode(cursor)));
    ASSERT_TRUE(page.is_object());
    for (auto r : page["items"])
      reverse_paged.push_back(r);
    if (page["next_cursor"].is_null()) break;
    cursor = page["next_cursor"];
  }
  json want_reverse = reverse;
  std::stable_sort(want_reverse.begin(), want_reverse.end(), [](const json& a, const json& b) {
    const std::string sa = a.at("values").at("status"), sb = b.at("values").at("status");
    if (sa != sb) return sa > sb;
    const int qa = a.at("values").at("qty"), qb = b.at("values").at("qty");
    if (qa != qb) return qa < qb;
    return std::stoll(a.at("id").get<std::string>()) < std::stoll(b.at("id").get<std::string>());
  });
  EXPECT_EQ(remote_ids(reverse), remote_ids(want_reverse));
  EXPECT_EQ(remote_ids(reverse_paged), remote_ids(want_reverse));

  // Numbers sort numerically: 1.5, 3, 4.5, ..., 9, 10.5, ...
  json filter = {{"field", "price"}, {"op", "is_not_empty"}};
  json by_price = list_with_filter(filter, "sort=" + url_encode("price:desc"));
  std::vector<double> prices;
  for (auto r : by_price)
    prices.push_back(r["values"]["price"].get<double>());
  ASSERT_EQ(prices.size(), expected([](const json& r) { return !r["price"].is_null(); }).size());
  EXPECT_TRUE(std::is_sorted(prices.rbegin(), prices.rend())) << json(prices).dump();
  EXPECT_DOUBLE_EQ(prices.front(), 54.0);  // 36 * 1.5
  EXPECT_DOUBLE_EQ(prices.back(), 1.5);
  // Dates sort by ISO text; the sort as a JSON array in the /query body.
  json by_due = user.post_ok(
      s_.records + "/query",
      {{"filter", {{"field", "due"}, {"op", "is_not_empty"}}},
       {"sort", json::array({{{"field", "due"}, {"dir", "asc"}}, {{"field", "title"}, {"dir", "desc"}}})},
       {"limit", 1000}});
  std::vector<std::string> got, want_due;
  for (auto r : by_due["items"])
    got.push_back(r["values"]["due"].get<std::string>());
  for (auto r : rows_)
    if (!r["due"].is_null()) want_due.push_back(r["due"]);
  std::sort(want_due.begin(), want_due.end());
  EXPECT_EQ(got, want_due);
  ASSERT_EQ(by_due["items"].size(), want_due.size());
  for (std::size_t i = 1; i < got.size(); ++i) {
    if (got[i] == got[i - 1]) {
      EXPECT_GT(by_due["items"][i - 1]["values"]["title"].get<std::string>(),
                by_due["items"][i]["values"]["title"].get<std::string>());
    }
  }
}

TEST_F(RecordsListing, FullTextSearch) {
  auto search = [&](const std::string& q, const std::string& extra = "") {
    return remote_id_set(all_records(user, s_.snapshot_id, s_.table_id,
                                     "search=" + url_encode(q) + (extra.empty() ? "" : "&" + extra)));
  };
  const auto apples = expected([](const json& r) { return r["id"].get<int>() % 3 == 0; });
  EXPECT_EQ(search("apple"), apples);
  EXPECT_EQ(search("APPLE"), apples);
  EXPECT_EQ(search("\"red apple\""), apples);
  EXPECT_TRUE(search("\"apple red\"").empty());
  EXPECT_EQ(search("\"green pear\""), expected([](const json& r) { return r["id"].get<int>() % 3 == 1; }));
  // Across fields: a word of the title and a word of the status.
  EXPECT_EQ(search("apple published"), expected([](const json& r) {
              return r["id"].get<int>() % 3 == 0 && r["status"] == "published";
            }));
  // Excluded words.
  EXPECT_EQ(search("note -pear"), expected([](const json& r) {
              const int i = r["id"].get<int>();
              return (i % 4 == 2 || i % 4 == 3) && i % 3 != 1;
            }));
  // With a filter.
  json filter = {{"field", "active"}, {"op", "eq"}, {"value", true}};
  EXPECT_EQ(search("plum", "filter=" + url_encode(filter.dump())),
            expected([](const json& r) { return r["id"].get<int>() % 3 == 2 && r["active"] == true; }));
  EXPECT_TRUE(search("nosuchwordanywhere").empty());
}

TEST_F(RecordsListing, ProjectionAndTotals) {
  json page = user.get_ok(s_.records + "?limit=5&fields=title,price");
  ASSERT_EQ(page["items"].size(), 5u);
  for (auto r : page["items"]) {
    ASSERT_TRUE(r["values"].is_object()) << r.dump();
    EXPECT_TRUE(r["values"].contains("title")) << r.dump();
    EXPECT_FALSE(r["values"].contains("status")) << r.dump();
    EXPECT_FALSE(r["values"].contains("notes")) << r.dump();
    EXPECT_FALSE(r["values"].contains("due")) << r.dump();
    if (r["downloaded"].is_object()) {
      EXPECT_FALSE(r["downloaded"].contains("status")) << r.dump();
    }
    for (const auto& [k, v] : r["values"].items())
      EXPECT_TRUE(k == "title" || k == "price") << k;
    json row = rows_[std::stoi(r["remote_id"].get<std::string>()) - 1];
    EXPECT_EQ(r["values"]["title"], row["title"]);
  }
  EXPECT_FALSE(page.contains("total"));
  EXPECT_EQ(user.get_ok(s_.records + "?limit=5&include_total=true").value("total", -1), kRows);
  json filter = {{"field", "status"}, {"op", "eq"}, {"value", "review"}};
  json counted = user.get_ok(s_.records + "?limit=2&include_total=true&filter=" + url_encode(filter.dump()));
  EXPECT_EQ(counted.value("total", -1),
            static_cast<int>(expected([](const json& r) { return r["status"] == "review"; }).size()));
  EXPECT_EQ(counted["items"].size(), 2u);
  EXPECT_FALSE(counted["next_cursor"].is_null());
}

TEST_F(RecordsListing, InvalidFiltersAndCursorsAre400) {
  auto get_filter = [&](const std::string& raw) {
    return user.get(s_.records + "?filter=" + url_encode(raw));
  };
  const auto unknown_field = get_filter(R"({"field":"nonexistent_col","op":"eq","value":1})");
  expect_problem(unknown_field, 400, "invalid_filter");
  EXPECT_NE(unknown_field.body.find("nonexistent_col"), std::string::npos) << unknown_field.body;
  const auto unknown_op = get_filter(R"({"field":"title","op":"resembles","value":"x"})");
  expect_problem(unknown_op, 400, "invalid_filter");
  EXPECT_NE(unknown_op.body.find("resembles"), std::string::npos) << unknown_op.body;
  expect_problem(get_filter("{not json"), 400, "invalid_filter");
  expect_problem(
      get_filter(
          R"({"and":[{"field":"title","op":"eq","value":"x"},{"field":"zzz_missing","op":"eq","value":1}]})"),
      400, "invalid_filter");
  expect_problem(get_filter(R"({"field":"status","op":"in","value":"draft"})"), 400, "invalid_filter");
  expect_problem(
      user.post(s_.records + "/query", {{"filter", {{"field", "nope_field"}, {"op", "eq"}, {"value", 1}}}}),
      400, "invalid_filter");

  // A cursor belongs to its filter, sort and search.
  const std::string sort = "sort=" + url_encode("qty:asc");
  json first = user.get_ok(s_.records + "?limit=5&" + sort);
  ASSERT_TRUE(first["next_cursor"].is_string()) << first.dump();
  const std::string cursor = url_encode(first["next_cursor"].get<std::string>());
  EXPECT_EQ(user.get(s_.records + "?limit=5&" + sort + "&cursor=" + cursor).status, 200);
  expect_problem(user.get(s_.records + "?limit=5&sort=" + url_encode("qty:desc") + "&cursor=" + cursor), 400,
                 "invalid_cursor");
  expect_problem(user.get(s_.records + "?limit=5&" + sort + "&search=apple&cursor=" + cursor), 400,
                 "invalid_cursor");
  json filter = {{"field", "active"}, {"op", "eq"}, {"value", true}};
  expect_problem(user.get(s_.records + "?limit=5&" + sort + "&filter=" + url_encode(filter.dump()) +
                          "&cursor=" + cursor),
                 400, "invalid_cursor");
  expect_problem(user.get(s_.records + "?limit=5&cursor=garbage-cursor"), 400, "invalid_cursor");
  // limit is 1..1000.
  EXPECT_EQ(user.get(s_.records + "?limit=0").status, 400);
  EXPECT_EQ(user.get(s_.records + "?limit=1001").status, 400);
  EXPECT_EQ(user.get(s_.records + "?limit=ten").status, 400);
  EXPECT_EQ(user.get_ok(s_.records + "?limit=1000")["items"].size(), static_cast<std::size_t>(kRows));
  EXPECT_EQ(user.get_ok(s_.records)["items"].size(), static_cast<std::size_t>(kRows));  // default 100
}

}  // namespace
}  // namespace scratch::test

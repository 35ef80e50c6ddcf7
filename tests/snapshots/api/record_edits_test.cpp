// Editing records over HTTP: PATCH with validation, local creates, tombstones, reverts, bulk update,
// search-and-replace, and the change feed. Nothing here reaches the source until a publish.
#include <gtest/gtest.h>

#include <set>

#include "snapshot_fixture.hpp"

namespace scratch::test {
namespace {

using nlohmann::json;

class RecordEdits : public SeededSnapshotTest<30> {
 protected:
  // Path of the record downloaded from source row `remote_id`.
  std::string path_of(int remote_id) const {
    json r = by_remote_id(records_, std::to_string(remote_id));
    return s_.records + "/" + (r.is_object() ? r["id"].get<std::string>() : "missing");
  }
  std::string id_of(int remote_id) const { return by_remote_id(records_, std::to_string(remote_id))["id"]; }
  json table() const { return user.get_ok(table_path(s_.snapshot_id, s_.table_id)); }
  // The source is untouched by anything but a publish.
  void expect_source_unchanged() const {
    EXPECT_EQ(source_rows("SELECT id, title, status, price, qty, due, active, notes FROM items ORDER BY id"),
              rows_);
  }
};

TEST_F(RecordEdits, PatchEditsFieldsAndEditingBackRemovesTheEdit) {
  const std::string path = path_of(2);  // "Blue plum 2", price 3, qty 4, notes "note 2"
  json edited = user.patch_ok(path, {{"values", {{"title", "New title"}, {"price", 99.5}}}});
  EXPECT_EQ(edited["values"]["title"], "New title");
  EXPECT_EQ(edited["values"]["price"], 99.5);
  EXPECT_EQ(edited["values"]["status"], "archived");
  EXPECT_EQ(edited["downloaded"]["title"], "Blue plum 2");
  EXPECT_EQ(edited["downloaded"]["price"], 3);
  EXPECT_EQ(edited["edits"], json({{"title", "New title"}, {"price", 99.5}}));
  EXPECT_EQ(edited["state"], "edited");
  EXPECT_GT(edited["seq"].get<long long>(), by_remote_id(records_, "2")["seq"].get<long long>());
  EXPECT_EQ(user.get_ok(path), edited);
  EXPECT_EQ(table()["dirty_count"], 1);

  // Null and an empty string are values like any other.
  json nulled = user.patch_ok(path, {{"values", {{"notes", nullptr}}}});
  EXPECT_TRUE(nulled["values"]["notes"].is_null()) << nulled.dump();
  EXPECT_EQ(nulled["edits"].size(), 3u) << nulled.dump();

  // Back to the downloaded value: no longer an edit.
  json back = user.patch_ok(path, {{"values", {{"title", "Blue plum 2"}, {"notes", "note 2"}}}});
  EXPECT_EQ(back["edits"], json({{"price", 99.5}}));
  EXPECT_EQ(back["state"], "edited");
  json clean =
      user.patch_ok(path, {{"values", {{"price", by_remote_id(records_, "2")["downloaded"]["price"]}}}});
  EXPECT_EQ(clean["edits"], json::object());
  EXPECT_EQ(clean["state"], "synced");
  EXPECT_EQ(table()["dirty_count"], 0);

  // Other types.
  json typed = user.patch_ok(
      path_of(3), {{"values", {{"due", "2025-02-03"}, {"active", true}, {"qty", 0}, {"notes", ""}}}});
  EXPECT_EQ(typed["values"]["due"], "2025-02-03");
  EXPECT_EQ(typed["values"]["active"], true);
  EXPECT_EQ(typed["values"]["qty"], 0);
  EXPECT_EQ(typed["edits"], json({{"due", "2025-02-03"}, {"active", true}, {"qty", 0}, {"notes", ""}}));
  expect_source_unchanged();
}

TEST_F(RecordEdits, InvalidEditsAre422AndChangeNothing) {
  const std::string path = path_of(4);
  json before = user.get_ok(path);
  const auto unknown = user.patch(path, {{"values", {{"title", "ok"}, {"no_such_field", 1}}}});
  expect_problem(unknown, 422, "unknown_field");
  EXPECT_NE(unknown.body.find("no_such_field"), std::string::npos) << unknown.body;
  expect_problem(user.patch(path, {{"values", {{"title", "ok"}, {"raw", "\\x00"}}}}), 422, "read_only_field");
  const auto bad = user.patch(path, {{"values", {{"title", "ok"}, {"price", "not a number"}}}});
  expect_problem(bad, 422, "invalid_value");
  if (bad.status == 422) {
    json errors = bad.json().value("errors", json::array());
    ASSERT_FALSE(errors.empty()) << bad.body;
    EXPECT_EQ(errors[0]["field"], "price") << bad.body;
    EXPECT_TRUE(errors[0]["message"].is_string()) << bad.body;
  }
  expect_problem(user.patch(path, {{"values", {{"due", "next tuesday"}}}}), 422, "invalid_value");
  expect_problem(user.patch(path, {{"values", {{"active", "yes"}}}}), 422, "invalid_value");
  expect_problem(user.patch(path, {{"values", {{"qty", json::array({1})}}}}), 422, "invalid_value");
  json after = user.get_ok(path);
  EXPECT_EQ(after["values"], before["values"]);
  EXPECT_EQ(after["edits"], json::object());
  EXPECT_EQ(after["seq"], before["seq"]);
  EXPECT_EQ(after["state"], "synced");
  EXPECT_EQ(table()["dirty_count"], 0);
  expect_problem(user.patch(s_.records + "/999999999", {{"values", {{"title", "x"}}}}), 404, "not_found");
}

TEST_F(RecordEdits, LocalCreatesTombstonesAndReverts) {
  // A local record.
  json created = user.post_ok(
      s_.records, {{"values", {{"title", "Local one"}, {"status", "draft"}, {"qty", 3}, {"active", true}}}},
      201);
  ASSERT_TRUE(created.is_object());
  EXPECT_EQ(created["state"], "created");
  EXPECT_TRUE(created["remote_id"].is_null()) << created.dump();
  EXPECT_TRUE(created["downloaded"].is_null()) << created.dump();
  EXPECT_EQ(created["values"]["title"], "Local one");
  EXPECT_EQ(created["values"]["qty"], 3);
  const std::string created_path = s_.records + "/" + created["id"].get<std::string>();
  EXPECT_EQ(user.get_ok(created_path)["values"]["title"], "Local one");
  EXPECT_EQ(all_records(user, s_.snapshot_id, s_.table_id).size(), static_cast<std::size_t>(kRows + 1));
  EXPECT_EQ(table()["dirty_count"], 1);
  expect_problem(user.post(s_.records, {{"values", {{"no_such_field", 1}}}}), 422, "unknown_field");
  expect_problem(user.post(s_.records, {{"values", {{"qty", "many"}}}}), 422, "invalid_value");
  // A create that was never published goes at once.
  json removed = user.del_ok(created_path, 200);
  EXPECT_EQ(removed.value("removed", false), true) << removed.dump();
  EXPECT_EQ(removed["id"], created["id"]);
  expect_problem(user.get(created_path), 404, "not_found");
  EXPECT_EQ(all_records(user, s_.snapshot_id, s_.table_id).size(), static_cast<std::size_t>(kRows));

  // A downloaded record becomes a tombstone.
  const std::string path = path_of(5);
  json tomb = user.del_ok(path, 200);
  EXPECT_EQ(tomb["state"], "deleted") << tomb.dump();
  EXPECT_EQ(user.get_ok(path)["state"], "deleted");
  expect_problem(user.patch(path, {{"values", {{"title", "x"}}}}), 409, "record_deleted");
  json deleted_filter = {{"field", "$state"}, {"op", "eq"}, {"value", "deleted"}};
  json deleted =
      all_records(user, s_.snapshot_id, s_.table_id, "filter=" + url_encode(deleted_filter.dump()));
  ASSERT_EQ(deleted.size(), 1u);
  EXPECT_EQ(deleted[0]["remote_id"], "5");
  EXPECT_EQ(table()["dirty_count"], 1);
  // Revert without fields undeletes.
  json undeleted = user.post_ok(path + "/revert", json::object());
  EXPECT_EQ(undeleted["state"], "synced") << undeleted.dump();
  EXPECT_EQ(undeleted["values"]["title"], rows_[4]["title"]);
  EXPECT_EQ(table()["dirty_count"], 0);

  // Revert one field, then the whole record.
  const std::string other = path_of(6);
  user.patch_ok(other, {{"values", {{"title", "T"}, {"status", "S"}, {"price", 1}}}});
  json one_field = user.post_ok(other + "/revert", {{"fields", {"title"}}});
  EXPECT_EQ(one_field["values"]["title"], rows_[5]["title"]);
  EXPECT_EQ(one_field["edits"], json({{"status", "S"}, {"price", 1}}));
  EXPECT_EQ(one_field["state"], "edited");
  json two_fields = user.post_ok(other + "/revert", {{"fields", {"status"}}});
  EXPECT_EQ(two_fields["edits"], json({{"price", 1}}));
  json whole = user.post_ok(other + "/revert", json::object());
  EXPECT_EQ(whole["edits"], json::object());
  EXPECT_EQ(whole["state"], "synced");
  EXPECT_EQ(whole["values"]["status"], rows_[5]["status"]);
  EXPECT_EQ(whole["values"]["price"], rows_[5]["price"]);
  expect_source_unchanged();
}

TEST_F(RecordEdits, PseudoFieldFilters) {
  user.patch_ok(path_of(1), {{"values", {{"title", "Edited"}}}});
  user.del_ok(path_of(2), 200);
  const std::string created =
      user.post_ok(s_.records, {{"values", {{"title", "Local"}}}}, 201).value("id", std::string("?"));
  user.post_ok(
      snapshot_path(s_.snapshot_id) + "/suggestions",
      {{"table_id", s_.table_id}, {"updates", {{{"record_id", id_of(3)}, {"values", {{"qty", 1}}}}}}});
  auto ids = [&](const json& filter) {
    std::set<std::string> out;
    for (auto r : all_records(user, s_.snapshot_id, s_.table_id, "filter=" + url_encode(filter.dump())))
      out.insert(r["id"].get<std::string>());
    return out;
  };
  auto cond = [](const std::string& field, const std::string& op, const json& value) {
    return json{{"field", field}, {"op", op}, {"value", value}};
  };
  using Ids = std::set<std::string>;
  EXPECT_EQ(ids(cond("$state", "eq", "edited")), Ids({id_of(1)}));
  EXPECT_EQ(ids(cond("$state", "in", {"deleted", "created"})), Ids({id_of(2), created}));
  EXPECT_EQ(ids(cond("$state", "ne", "synced")), Ids({id_of(1), id_of(2), created}));
  EXPECT_EQ(ids(cond("$has_suggestions", "eq", true)), Ids({id_of(3)}));
  EXPECT_EQ(ids(cond("$has_suggestions", "eq", false)).size(),
            static_cast<std::size_t>(kRows));  // + create - 3
  EXPECT_TRUE(ids(cond("$has_conflicts", "eq", true)).empty());
  EXPECT_EQ(ids(cond("$has_conflicts", "eq", false)).size(), static_cast<std::size_t>(kRows + 1));
  EXPECT_TRUE(ids(cond("$has_error", "eq", true)).empty());
  EXPECT_EQ(ids(cond("$has_error", "eq", false)).size(), static_cast<std::size_t>(kRows + 1));
  // Combined with a field condition.
  EXPECT_EQ(ids({{"or", {cond("$state", "eq", "deleted"), cond("title", "eq", "Edited")}}}),
            Ids({id_of(1), id_of(2)}));
  expect_problem(user.get(s_.records + "?filter=" + url_encode(cond("$bogus", "eq", true).dump())), 400,
                 "invalid_filter");
}

TEST_F(RecordEdits, BulkUpdateSetsFieldsOnEveryMatch) {
  json drafts = {{"field", "status"}, {"op", "eq"}, {"value", "draft"}};
  int want = 0;
  for (auto r : rows_)
    want += r["status"] == "draft";
  json result = user.post_ok(s_.records + "/bulk-update",
                             {{"filter", drafts}, {"values", {{"notes", "bulk"}, {"qty", 42}}}});
  EXPECT_EQ(result.value("matched", -1), want) << result.dump();
  EXPECT_EQ(result.value("updated", -1), want) << result.dump();
  for (auto r : all_records(user, s_.snapshot_id, s_.table_id)) {
    const int i = std::stoi(r["remote_id"].get<std::string>());
    if (rows_[i - 1]["status"] == "draft") {
      EXPECT_EQ(r["values"]["notes"], "bulk") << r.dump();
      EXPECT_EQ(r["values"]["qty"], 42) << r.dump();
      EXPECT_EQ(r["state"], "edited");
    } else {
      EXPECT_EQ(r["values"]["notes"], rows_[i - 1]["notes"]) << r.dump();
      EXPECT_EQ(r["edits"], json::object()) << r.dump();
    }
  }
  EXPECT_EQ(table()["dirty_count"], want);

  // With a search instead of a filter.
  json plums =
      user.post_ok(s_.records + "/bulk-update", {{"search", "plum"}, {"values", {{"active", false}}}});
  int plum_count = 0;
  for (auto r : rows_)
    plum_count += r["id"].get<int>() % 3 == 2;
  EXPECT_EQ(plums.value("matched", -1), plum_count) << plums.dump();
  std::set<std::string> want_inactive;
  for (auto r : rows_)
    if (r["active"] == false || r["id"].get<int>() % 3 == 2)
      want_inactive.insert(std::to_string(r["id"].get<int>()));
  json inactive = {{"field", "active"}, {"op", "eq"}, {"value", false}};
  std::set<std::string> got_inactive;
  for (auto r : all_records(user, s_.snapshot_id, s_.table_id, "filter=" + url_encode(inactive.dump())))
    got_inactive.insert(r["remote_id"].get<std::string>());
  EXPECT_EQ(got_inactive, want_inactive);

  // Invalid values change nothing.
  json snapshot_before = all_records(user, s_.snapshot_id, s_.table_id);
  expect_problem(
      user.post(s_.records + "/bulk-update", {{"filter", drafts}, {"values", {{"price", "lots"}}}}), 422,
      "invalid_value");
  expect_problem(user.post(s_.records + "/bulk-update", {{"values", {{"raw", "x"}}}}), 422,
                 "read_only_field");
  expect_problem(user.post(s_.records + "/bulk-update", {{"values", {{"nope", "x"}}}}), 422, "unknown_field");
  expect_problem(
      user.post(s_.records + "/bulk-update",
                {{"filter", {{"field", "nope"}, {"op", "eq"}, {"value", 1}}}, {"values", {{"qty", 1}}}}),
      400, "invalid_filter");
  EXPECT_EQ(all_records(user, s_.snapshot_id, s_.table_id), snapshot_before);
  expect_source_unchanged();
}

TEST_F(RecordEdits, SearchAndReplaceInATextField) {
  // Case-sensitive by default: "RED" is not in "Red apple 3".
  json none =
      user.post_ok(s_.records + "/replace", {{"field", "title"}, {"find", "RED"}, {"replace", "Crimson"}});
  EXPECT_EQ(none.value("updated", -1), 0) << none.dump();
  EXPECT_EQ(none.value("replacements", -1), 0) << none.dump();
  int apples = 0;
  for (auto r : rows_)
    apples += r["id"].get<int>() % 3 == 0;
  json crimson =
      user.post_ok(s_.records + "/replace",
                   {{"field", "title"}, {"find", "RED"}, {"replace", "Crimson"}, {"match_case", false}});
  EXPECT_EQ(crimson.value("updated", -1), apples) << crimson.dump();
  EXPECT_EQ(crimson.value("replacements", -1), apples) << crimson.dump();
  EXPECT_EQ(user.get_ok(path_of(3))["values"]["title"], "Crimson apple 3");
  EXPECT_EQ(user.get_ok(path_of(3))["edits"]["title"], "Crimson apple 3");
  EXPECT_EQ(user.get_ok(path_of(4))["values"]["title"], "Green pear 4");

  // Limited by a filter; every occurrence counts.
  json filter = {{"field", "status"}, {"op", "eq"}, {"value", "archived"}};  // id % 4 == 2
  int blue_archived = 0, u_count = 0;
  for (auto r : rows_) {
    const int i = r["id"].get<int>();
    if (i % 4 == 2 && i % 3 == 2) {
      ++blue_archived;
      u_count += 2;  // "Blue plum N"
    }
  }
  ASSERT_GT(blue_archived, 0);
  json us = user.post_ok(s_.records + "/replace",
                         {{"field", "title"}, {"find", "u"}, {"replace", "uu"}, {"filter", filter}});
  EXPECT_EQ(us.value("updated", -1), blue_archived) << us.dump();
  EXPECT_EQ(us.value("replacements", -1), u_count) << us.dump();
  EXPECT_GE(us.value("matched", -1), blue_archived) << us.dump();
  EXPECT_EQ(user.get_ok(path_of(2))["values"]["title"], "Bluue pluum 2");
  EXPECT_EQ(user.get_ok(path_of(5))["values"]["title"], "Blue plum 5");  // published: not in the filter
  expect_problem(user.post(s_.records + "/replace", {{"field", "raw"}, {"find", "d"}, {"replace", "e"}}), 422,
                 "read_only_field");
  expect_problem(user.post(s_.records + "/replace", {{"field", "nope"}, {"find", "d"}, {"replace", "e"}}),
                 422, "unknown_field");
  expect_source_unchanged();
}

TEST_F(RecordEdits, ChangeFeedListsChangesAndRemovalsInOrder) {
  const std::string feed = table_path(s_.snapshot_id, s_.table_id) + "/changes";
  // From the start: every downloaded record, following has_more.
  std::set<std::string> ids;
  long long since = 0;
  long long last_seq = -1;
  for (int guard = 0; guard < 20; ++guard) {
    json page = user.get_ok(feed + "?since=" + std::to_string(since) + "&limit=8");
    ASSERT_TRUE(page.is_object());
    ASSERT_LE(page["items"].size(), 8u);
    for (auto item : page["items"]) {
      ids.insert(item["id"].get<std::string>());
      EXPECT_GT(item["seq"].get<long long>(), last_seq) << "oldest first";
      last_seq = item["seq"];
    }
    since = page["next_since"];
    if (!page["has_more"].get<bool>()) break;
  }
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kRows));
  json quiet = user.get_ok(feed + "?since=" + std::to_string(since));
  EXPECT_TRUE(quiet["items"].empty()) << quiet.dump();
  EXPECT_EQ(quiet["has_more"], false);
  EXPECT_EQ(quiet["next_since"].get<long long>(), since);

  // An edit, a tombstone, and a local create that is removed again.
  user.patch_ok(path_of(1), {{"values", {{"title", "Changed"}}}});
  user.del_ok(path_of(2), 200);
  json created = user.post_ok(s_.records, {{"values", {{"title", "Short-lived"}}}}, 201);
  const std::string created_id = created.value("id", "");
  user.del_ok(s_.records + "/" + created_id, 200);
  json changes = user.get_ok(feed + "?since=" + std::to_string(since));
  EXPECT_EQ(changes["has_more"], false);
  std::map<std::string, json> by_id;
  last_seq = since;
  for (auto item : changes["items"]) {
    by_id[item["id"].get<std::string>()] = item;
    EXPECT_GT(item["seq"].get<long long>(), last_seq) << changes.dump();
    last_seq = item["seq"];
  }
  ASSERT_EQ(by_id.size(), 3u) << changes.dump();
  EXPECT_EQ(by_id[id_of(1)]["values"]["title"], "Changed");
  EXPECT_EQ(by_id[id_of(1)]["state"], "edited");
  EXPECT_EQ(by_id[id_of(2)]["state"], "deleted");
  EXPECT_EQ(by_id[created_id].value("removed", false), true) << changes.dump();
  EXPECT_EQ(changes["next_since"].get<long long>(), last_seq);
  EXPECT_TRUE(user.get_ok(feed + "?since=" + std::to_string(last_seq))["items"].empty());
}

}  // namespace
}  // namespace scratch::test

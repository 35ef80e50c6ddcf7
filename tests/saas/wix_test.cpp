// The Wix connector end to end: a real scratchd with build/plugins/wix.so against the Wix Data emulator
// (tests/emulators/wix), everything through the product's HTTP API. The emulator's state is the truth about
// what reached "Wix": tests compare it before and after.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "saas_fixture.hpp"
#include "snapshots/sync/sync_helpers.hpp"

namespace scratch::test {
namespace {

using namespace sync;

// The emulator's fixed key and site (tests/emulators/wix/seed_data.py).
constexpr const char* kApiKey = "IST.eyJraWQiOiJFbXVsYXRvciJ9.wix-emulator-api-key";
constexpr const char* kSiteId = "5e1f0c2a-7b3d-4c8e-9a6f-1d2e3f4a5b6c";
constexpr const char* kBooks = "Books";
constexpr const char* kQueryPath = "/wix-data/v2/items/query";

class WixTest : public SaasTest {
 protected:
  void start_emulator(int seed, const json& knobs = json::object()) { start_service("wix", knobs, seed); }

  std::string account(const std::string& key = kApiKey, const std::string& site = kSiteId) {
    return create_account(user, "wix", {{"base_url", emu().base_url()}, {"site_id", site}},
                          {{"api_key", key}});
  }

  // A collection as the emulator stores it: {id, fields, items: [data...], references: {field: {id: [ids]}}}.
  json collection_state(const std::string& id = kBooks) const {
    const json state = emu().state();
    for (const auto& c : state["collections"])
      if (c["id"] == id) return c;
    ADD_FAILURE() << "no collection " << id << " in the emulator";
    return json::object();
  }
  static std::map<std::string, json> by_id(const json& collection) {
    return index_by(collection["items"], "_id");
  }
  // The id of seeded book i (1-based: insertion order).
  static std::string book_id(const json& collection, int i) { return collection["items"][i - 1]["_id"]; }
  static int count_titled(const json& collection, const std::string& title) {
    int n = 0;
    for (const auto& item : collection["items"])
      if (item.value("title", json()) == json(title)) ++n;
    return n;
  }
  json record(const Downloaded& d, const std::string& local_id) {
    return user.get_ok(records_path(d.snapshot_id, d.table_id) + "/" + local_id);
  }

  void refused_value_fails_alone(const std::string& mode);
};

// a. Account, check, schema mapping, a 1,050-item download over 11 pages, edits across the field types, two
// creates, two deletes, publish, and exactly those changes in Wix.
TEST_F(WixTest, FullRoundTripChangesExactlyWhatWasEdited) {
  start_emulator(1050);
  const std::string acc = account();
  ASSERT_FALSE(acc.empty());
  const auto checked = check_account(user, acc);
  ASSERT_EQ(checked.status, 200) << checked.body;
  EXPECT_NE(checked.body.find(kSiteId), std::string::npos) << checked.body;

  const json tables = account_tables(user, acc);
  ASSERT_EQ(tables["tables"].size(), 3u) << tables.dump();
  EXPECT_EQ(find_table(tables, "Members/PublicData").value("read_only", false), true)
      << "a Wix app collection";
  EXPECT_EQ(find_table(tables, "Authors").value("read_only", true), false);
  const json books = find_table(tables, kBooks);
  ASSERT_TRUE(books.is_object()) << tables.dump();
  EXPECT_EQ(books["read_only"], false);
  const std::map<std::string, std::pair<std::string, bool>> expected_types = {
      {"_id", {"text", true}},
      {"_createdDate", {"datetime", true}},
      {"_updatedDate", {"datetime", true}},
      {"_owner", {"text", true}},
      {"title", {"text", false}},
      {"summary", {"long_text", false}},
      {"pages", {"number", false}},
      {"price", {"number", false}},
      {"inStock", {"boolean", false}},
      {"published", {"date", false}},
      {"releaseAt", {"datetime", false}},
      {"readingTime", {"text", false}},
      {"cover", {"url", false}},
      {"website", {"url", false}},
      {"tags", {"json", false}},
      {"meta", {"json", false}},
      {"store", {"json", false}},
      {"gallery", {"json", false}},
      {"author", {"link", false}},
      {"coAuthors", {"link", true}},
      {"link-books-title", {"url", true}},
  };
  ASSERT_NO_FATAL_FAILURE(expect_field_types(books, expected_types));

  const json before = collection_state();
  const auto before_by_id = by_id(before);
  const json authors = collection_state("Authors");
  const std::string author3 = authors["items"][2]["_id"];
  emu().reset_log();
  const Downloaded d = download_table(user, acc, kBooks);
  ASSERT_FALSE(d.table_id.empty());
  const json records = all_records(user, d.snapshot_id, d.table_id);
  ASSERT_EQ(records.size(), 1050u);
  EXPECT_EQ(count_requests("POST", kQueryPath), 11) << "1,050 items in pages of 100";
  EXPECT_EQ(count_requests("PUT", "/wix-data/v2/items/" + book_id(before, 1)), 0);

  // Values as downloaded: every type; absent values as null.
  const json v1 = by_remote_id(records, book_id(before, 1))["values"];
  EXPECT_EQ(v1["title"], "Book 0001");
  EXPECT_EQ(v1["summary"], "<p>Summary of <strong>book 1</strong></p>");
  EXPECT_EQ(v1["pages"], 101);
  EXPECT_EQ(v1["price"], 10.24);
  EXPECT_EQ(v1["inStock"], false);
  EXPECT_EQ(v1["published"], "2020-01-02");
  EXPECT_EQ(v1["releaseAt"], "2024-01-01T01:00:00.001Z");
  EXPECT_EQ(v1["readingTime"], "01:01:00.000");
  EXPECT_EQ(v1["cover"], before["items"][0]["cover"]);
  EXPECT_EQ(v1["website"], "https://books.example.com/1");
  EXPECT_EQ(v1["tags"], json({"science", "history"}));
  EXPECT_EQ(v1["meta"]["isbn"], "978-0000000001");
  EXPECT_EQ(v1["store"]["city"], "Springfield");
  EXPECT_EQ(v1["gallery"][0]["title"], "G1");
  EXPECT_EQ(v1["author"], json::array({before["items"][0]["author"]}));
  EXPECT_EQ(v1["coAuthors"], before["references"]["coAuthors"][book_id(before, 1)]);
  EXPECT_EQ(v1["link-books-title"], "/books/book-0001");
  EXPECT_EQ(v1["_createdDate"], "2024-01-01T00:01:00.000Z");
  EXPECT_EQ(v1["_id"], book_id(before, 1));
  EXPECT_FALSE(v1.contains("legacyCode")) << "keys outside the schema are not offered";
  const json v6 = by_remote_id(records, book_id(before, 6))["values"];
  EXPECT_TRUE(v6["summary"].is_null());
  EXPECT_EQ(v6["tags"], json::array());
  EXPECT_TRUE(v6["store"].is_null());
  EXPECT_EQ(by_remote_id(records, book_id(before, 10))["values"]["website"], "");
  EXPECT_EQ(by_remote_id(records, book_id(before, 50))["values"]["pages"], 0);

  // Edits across the field types.
  const std::string id1 = book_id(before, 1), id5 = book_id(before, 5), id7 = book_id(before, 7);
  const std::string id10 = book_id(before, 10), id11 = book_id(before, 11);
  edit_record(user, d, id_of(by_remote_id(records, id1)),
              {{"title", "Renamed 1"},
               {"price", 99.5},
               {"inStock", true},
               {"releaseAt", "2024-06-01T10:20:30Z"},
               {"tags", {"new"}}});
  edit_record(user, d, id_of(by_remote_id(records, id5)),
              {{"summary", nullptr},
               {"published", "2025-02-03"},
               {"author", {author3}},
               {"meta", {{"isbn", "X-5"}, {"edition", 9}}}});
  edit_record(user, d, id_of(by_remote_id(records, id7)),
              {{"pages", 777},
               {"website", "https://scratch.example/7"},
               {"cover", "https://img.example/7.png"},
               {"readingTime", "07:30:00.000"},
               {"store", nullptr}});
  const json c1 = create_record(user, d,
                                {{"title", "Created one"},
                                 {"summary", "<p>multi</p>\n<p>line</p>"},
                                 {"pages", 0},
                                 {"price", 10.25},
                                 {"inStock", false},
                                 {"published", "2024-12-24"},
                                 {"releaseAt", "2024-12-24T18:00:00Z"},
                                 {"tags", {"a", "b"}},
                                 {"meta", {{"k", 1}}},
                                 {"author", {author3}},
                                 {"website", nullptr}});
  const json c2 = create_record(user, d, {{"title", "Created two"}});
  delete_record(user, d, id_of(by_remote_id(records, id10)));
  delete_record(user, d, id_of(by_remote_id(records, id11)));

  const json counts = counts_for(full_plan(user, d.snapshot_id), d.table_id);
  EXPECT_EQ(counts.value("creates", -1), 2) << counts.dump();
  EXPECT_EQ(counts.value("updates", -1), 3) << counts.dump();
  EXPECT_EQ(counts.value("deletes", -1), 2) << counts.dump();

  emu().reset_log();
  const json job = publish(user, d.snapshot_id);
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump();
  EXPECT_EQ(job["result"].value("status", ""), "completed") << job.dump();
  EXPECT_EQ(count_requests("POST", "/wix-data/v2/bulk/items/insert"), 1);
  EXPECT_EQ(count_requests("POST", "/wix-data/v2/bulk/items/patch"), 1);
  EXPECT_EQ(count_requests("POST", "/wix-data/v2/bulk/items/remove"), 1);
  EXPECT_EQ(emu().stats()["by_method"].value("PUT", 0), 0) << "never the replace-all update";

  // Wix holds exactly the planned changes.
  const json after = collection_state();
  const auto after_by_id = by_id(after);
  ASSERT_EQ(after["items"].size(), 1050u);
  EXPECT_EQ(after_by_id.count(id10) + after_by_id.count(id11), 0u);
  const std::set<std::string> new_ids = added_ids(before_by_id, after_by_id);
  ASSERT_EQ(new_ids.size(), 2u);
  ASSERT_TRUE(unchanged_except(before_by_id, after_by_id, {id1, id5, id7, id10, id11}, "item"));
  json refs = before["references"];
  refs["coAuthors"].erase(id10);
  refs["coAuthors"].erase(id11);
  EXPECT_EQ(after["references"], refs) << "multi-references untouched";
  const auto expect_edited = [&](const std::string& id, json expected) {
    const json& now = after_by_id.at(id);
    EXPECT_NE(now["_updatedDate"], expected["_updatedDate"]) << id;
    expected["_updatedDate"] = now["_updatedDate"];
    EXPECT_EQ(now, expected) << id;
  };
  json e1 = before_by_id.at(id1);
  e1["title"] = "Renamed 1";
  e1["price"] = 99.5;
  e1["inStock"] = true;
  e1["releaseAt"] = {{"$date", "2024-06-01T10:20:30.000Z"}};
  e1["tags"] = {"new"};
  expect_edited(id1, e1);
  json e5 = before_by_id.at(id5);
  e5.erase("summary");
  e5["published"] = "2025-02-03";
  e5["author"] = author3;
  e5["meta"] = {{"isbn", "X-5"}, {"edition", 9}};
  expect_edited(id5, e5);
  json e7 = before_by_id.at(id7);
  e7["pages"] = 777;
  e7["website"] = "https://scratch.example/7";
  e7["cover"] = "https://img.example/7.png";
  e7["readingTime"] = "07:30:00.000";
  e7.erase("store");
  expect_edited(id7, e7);

  std::string created_one, created_two;
  for (const auto& id : new_ids) {
    const std::string title = after_by_id.at(id).value("title", "");
    if (title == "Created one") created_one = id;
    if (title == "Created two") created_two = id;
  }
  ASSERT_FALSE(created_one.empty());
  ASSERT_FALSE(created_two.empty());
  json one = after_by_id.at(created_one);
  EXPECT_EQ(one["_createdDate"], one["_updatedDate"]);
  for (const char* system : {"_id", "_createdDate", "_updatedDate", "_owner"})
    one.erase(system);
  EXPECT_EQ(one, json({{"title", "Created one"},
                       {"summary", "<p>multi</p>\n<p>line</p>"},
                       {"pages", 0},
                       {"price", 10.25},
                       {"inStock", false},
                       {"published", "2024-12-24"},
                       {"releaseAt", {{"$date", "2024-12-24T18:00:00.000Z"}}},
                       {"tags", {"a", "b"}},
                       {"meta", {{"k", 1}}},
                       {"author", author3},
                       {"link-books-title", "/books/created-one"}}));
  json two = after_by_id.at(created_two);
  EXPECT_EQ(two.size(), 6u) << two.dump();
  EXPECT_EQ(two["title"], "Created two");

  // The snapshot: nothing left to publish; records carry what Wix stored (its computed fields included).
  EXPECT_EQ(user.get_ok(table_path(d.snapshot_id, d.table_id)).value("dirty_count", -1), 0);
  EXPECT_TRUE(full_plan(user, d.snapshot_id)["operations"].empty());
  const json s1 = by_remote_id(all_records(user, d.snapshot_id, d.table_id), id1);
  EXPECT_EQ(s1["state"], "synced") << s1.dump();
  EXPECT_EQ(s1["values"]["releaseAt"], "2024-06-01T10:20:30.000Z");
  EXPECT_EQ(s1["values"]["_updatedDate"], after_by_id.at(id1)["_updatedDate"]["$date"]);
  const json sc1 = record(d, id_of(c1));
  EXPECT_EQ(sc1["state"], "synced") << sc1.dump();
  EXPECT_EQ(sc1["remote_id"], created_one);
  EXPECT_EQ(sc1["values"]["link-books-title"], "/books/created-one");
  EXPECT_EQ(sc1["values"]["author"], json::array({author3}));
  EXPECT_EQ(record(d, id_of(c2))["state"], "synced");

  // Downloading again changes nothing anywhere: what was published is what Wix has.
  const json again = download(user, d.snapshot_id);
  ASSERT_EQ(again.value("state", ""), "succeeded") << again.dump();
  EXPECT_EQ(collection_state().dump(), after.dump());
  const json reloaded = all_records(user, d.snapshot_id, d.table_id);
  EXPECT_EQ(reloaded.size(), 1050u);
  for (const auto& r : reloaded) {
    ASSERT_EQ(r["state"], "synced") << r.dump();
    ASSERT_TRUE(r["conflicts"].is_null() || r["conflicts"].empty()) << r.dump();
  }
}

// f. A partial update changes only the edited fields of the stored item (keys outside the schema and the
// multi-references included), and no replace-all PUT is ever sent.
TEST_F(WixTest, APartialUpdateLeavesEveryOtherFieldIntact) {
  start_emulator(12);
  const std::string acc = account();
  const json before = collection_state();
  const std::string id1 = book_id(before, 1), id4 = book_id(before, 4);
  ASSERT_EQ(before["items"][0].value("legacyCode", ""), "LC-1") << "seed: a key the schema does not know";
  const Downloaded d = download_table(user, acc, kBooks);
  const json records = all_records(user, d.snapshot_id, d.table_id);
  edit_record(user, d, id_of(by_remote_id(records, id1)), {{"title", "Only the title"}});
  edit_record(user, d, id_of(by_remote_id(records, id4)),
              {{"pages", 4444}, {"cover", "https://img.example/4.png"}});

  emu().reset_log();
  const json job = publish(user, d.snapshot_id);
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump();
  EXPECT_EQ(job["result"].value("status", ""), "completed") << job.dump();

  const json after = collection_state();
  const auto was = by_id(before), now = by_id(after);
  const auto changed_keys = [&](const std::string& id) {
    std::set<std::string> keys;
    for (const auto& [k, v] : now.at(id).items())
      if (!was.at(id).contains(k) || was.at(id)[k] != v) keys.insert(k);
    for (const auto& [k, v] : was.at(id).items())
      if (!now.at(id).contains(k)) keys.insert(k);
    return keys;
  };
  EXPECT_EQ(changed_keys(id1), (std::set<std::string>{"title", "_updatedDate"}));
  EXPECT_EQ(now.at(id1)["title"], "Only the title");
  EXPECT_EQ(now.at(id1)["legacyCode"], "LC-1");
  EXPECT_EQ(changed_keys(id4), (std::set<std::string>{"pages", "cover", "_updatedDate"}));
  EXPECT_FALSE(now.at(id4).contains("legacyCode"));
  EXPECT_EQ(after["references"], before["references"]);
  for (const auto& [id, item] : was)
    if (id != id1 && id != id4) {
      EXPECT_EQ(now.at(id), item) << id;
    }

  // The request log: one bulk patch, no PUT, no bulk update or save (both replace whole items).
  const json log = emu().requests();
  ASSERT_FALSE(log.empty());
  for (const auto& r : log) {
    EXPECT_NE(r["method"], "PUT") << r.dump();
    EXPECT_NE(r["path"], "/wix-data/v2/bulk/items/update") << r.dump();
    EXPECT_NE(r["path"], "/wix-data/v2/bulk/items/save") << r.dump();
  }
  EXPECT_EQ(count_requests("POST", "/wix-data/v2/bulk/items/patch"), 1);
}

// b. Wix refuses one item's value mid-batch: only that record stays unpublished, with Wix's message; the
// others landed. Wix reports it per item in the bulk results (bulk_validation=per_item) or refuses the
// request whole (bulk_validation=request), and then the server retries each record alone.
void WixTest::refused_value_fails_alone(const std::string& mode) {
  start_emulator(30, {{"reject_values", {"REJECT-ME"}}, {"bulk_validation", mode}});
  const std::string acc = account();
  const json before = collection_state();
  const Downloaded d = download_table(user, acc, kBooks);
  const json records = all_records(user, d.snapshot_id, d.table_id);
  ASSERT_EQ(records.size(), 30u);
  std::map<int, std::string> local;  // book number -> snapshot record id
  for (int i = 1; i <= 5; ++i) {
    local[i] = id_of(by_remote_id(records, book_id(before, i)));
    edit_record(user, d, local[i], {{"title", i == 3 ? "bad REJECT-ME" : "ok " + std::to_string(i)}});
  }
  create_record(user, d, {{"title", "new ok"}});
  const std::string bad_create = id_of(create_record(user, d, {{"title", "new REJECT-ME"}}));

  const json job = publish(user, d.snapshot_id);
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump();
  const json result = job["result"];
  EXPECT_EQ(result.value("status", ""), "completed_with_errors") << result.dump();
  EXPECT_EQ(failed_ids(result), (std::set<std::string>{local[3], bad_create})) << result.dump();
  EXPECT_EQ(succeeded_failed(result, "update"), json({{"succeeded", 4}, {"failed", 1}})) << result.dump();
  EXPECT_EQ(succeeded_failed(result, "create"), json({{"succeeded", 1}, {"failed", 1}})) << result.dump();

  for (const std::string& id : {local[3], bad_create}) {
    const json r = record(d, id);
    ASSERT_TRUE(r["publish_error"].is_object()) << r.dump();
    EXPECT_EQ(r["publish_error"].value("code", ""), "invalid_value") << r.dump();
    const std::string message = r["publish_error"].value("message", "");
    EXPECT_NE(message.find("value is not accepted (contains \"REJECT-ME\")"), std::string::npos) << message;
    EXPECT_NE(message.find(mode == "per_item" ? "WDE0075" : "INVALID_ARGUMENT"), std::string::npos)
        << message;
    EXPECT_NE(r["state"], "synced") << r.dump();
  }
  const json after = collection_state();
  const auto now = by_id(after);
  for (int i : {1, 2, 4, 5})
    EXPECT_EQ(now.at(book_id(before, i))["title"], "ok " + std::to_string(i));
  EXPECT_EQ(now.at(book_id(before, 3)), before["items"][2]) << "the refused item is untouched";
  EXPECT_EQ(count_titled(after, "new ok"), 1);
  EXPECT_EQ(after["items"].size(), 31u);
  EXPECT_EQ(user.get_ok(table_path(d.snapshot_id, d.table_id)).value("dirty_count", -1), 2);
}

TEST_F(WixTest, ARefusedValueFailsAloneInTheBulkResults) {
  refused_value_fails_alone("per_item");
}

TEST_F(WixTest, ARequestRefusedWholeIsRetriedRecordByRecord) {
  refused_value_fails_alone("request");
}

// c. A 500 after Wix carried out a bulk insert: the creates are ambiguous and never sent again; a patch that
// got a 500 is resent by the next publish.
TEST_F(WixTest, AnInsertAnsweredWith500IsNotSentAgain) {
  start_emulator(20);
  const std::string acc = account();
  const json before = collection_state();
  const Downloaded d = download_table(user, acc, kBooks);
  const json records = all_records(user, d.snapshot_id, d.table_id);
  std::vector<std::string> creates;
  for (int n = 1; n <= 3; ++n)
    creates.push_back(id_of(create_record(user, d, {{"title", "Created " + std::to_string(n)}})));
  const std::string edited = id_of(by_remote_id(records, book_id(before, 2)));
  edit_record(user, d, edited, {{"title", "Edited 2"}});

  // The publish's insert and patch requests fail with 500; the insert only after it was carried out.
  // (Fault numbers count every request, so each covers the first few.)
  json faults = json::array();
  for (int nth = 1; nth <= 6; ++nth) {
    faults.push_back({{"nth", nth},
                      {"status", 500},
                      {"apply", true},
                      {"method", "POST"},
                      {"path", "^/wix-data/v2/bulk/items/insert$"}});
    faults.push_back({{"nth", nth},
                      {"status", 500},
                      {"apply", false},
                      {"method", "POST"},
                      {"path", "^/wix-data/v2/bulk/items/patch$"}});
  }
  emu().knobs({{"fail", faults}});
  emu().reset_log();
  const json first = publish(user, d.snapshot_id);
  ASSERT_EQ(first.value("state", ""), "succeeded") << first.dump();
  EXPECT_EQ(first["result"].value("status", ""), "completed_with_errors") << first.dump();
  EXPECT_EQ(count_requests("POST", "/wix-data/v2/bulk/items/insert"), 1) << "the host never resends a POST";
  for (int n = 1; n <= 3; ++n)
    EXPECT_EQ(count_titled(collection_state(), "Created " + std::to_string(n)), 1) << "applied once";
  for (const auto& id : creates) {
    const json r = record(d, id);
    EXPECT_TRUE(r.value("ambiguous_create", false)) << r.dump();
    EXPECT_EQ(r["publish_error"].value("code", ""), "outcome_unknown") << r.dump();
  }
  EXPECT_EQ(by_id(collection_state()).at(book_id(before, 2))["title"], "Book 0002");
  const json failed_update = record(d, edited);
  EXPECT_EQ(failed_update["publish_error"].value("retryable", false), true) << failed_update.dump();

  emu().knobs({{"fail", json::array()}});
  emu().reset_log();
  const json second = publish(user, d.snapshot_id);
  ASSERT_EQ(second.value("state", ""), "succeeded") << second.dump();
  EXPECT_EQ(count_requests("POST", "/wix-data/v2/bulk/items/insert"), 0)
      << "the ambiguous creates were not resent";
  const json state = collection_state();
  EXPECT_EQ(state["items"].size(), 23u);
  for (int n = 1; n <= 3; ++n)
    EXPECT_EQ(count_titled(state, "Created " + std::to_string(n)), 1) << "no duplicate";
  EXPECT_EQ(by_id(state).at(book_id(before, 2))["title"], "Edited 2") << "the patch was resent";
}

// d. The plugin keeps under a 5-per-second limit (Wix's 200 a minute is 3.3 a second), and a 429 storm
// during a download is waited out.
TEST_F(WixTest, KeepsToTheRateLimitAndWaitsOutA429Storm) {
  start_emulator(300, {{"rate_limit_per_second", 5}});
  const std::string acc = account();
  const json before = collection_state();
  emu().reset_log();
  const Downloaded d = download_table(user, acc, kBooks);
  const json records = all_records(user, d.snapshot_id, d.table_id);
  ASSERT_EQ(records.size(), 300u);
  for (int i = 1; i <= 12; ++i)
    edit_record(user, d, id_of(by_remote_id(records, book_id(before, i))), {{"pages", 1000 + i}});
  for (int n = 1; n <= 3; ++n)
    create_record(user, d, {{"title", "Rate " + std::to_string(n)}});
  delete_record(user, d, id_of(by_remote_id(records, book_id(before, 20))));
  delete_record(user, d, id_of(by_remote_id(records, book_id(before, 21))));
  const json job = publish(user, d.snapshot_id);
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump();
  EXPECT_EQ(job["result"].value("status", ""), "completed") << job.dump();
  const json stats = expect_rate_kept(5);
  EXPECT_GE(stats.value("requests", 0), 8) << stats.dump();
  EXPECT_EQ(collection_state()["items"].size(), 301u);

  expect_storm_waited_out(d, 301u);
}

// e. A key Wix refuses, and a site the key cannot reach: the check says so, naming what to fix.
TEST_F(WixTest, ABadKeyFailsTheCheckClearly) {
  start_emulator(1);
  const auto bad = check_account(user, account("IST.wrong-key"));
  const std::string message = expect_connector_error(bad, "auth_failed");
  EXPECT_NE(message.find("Wix refused the API key"), std::string::npos) << message;
  EXPECT_NE(message.find("401 UNAUTHENTICATED"), std::string::npos) << message;
  EXPECT_NE(message.find("credentials.api_key"), std::string::npos) << message;
  EXPECT_EQ(message.find("IST.wrong-key"), std::string::npos) << "never echo the key";

  const std::string other_site = "00000000-0000-4000-8000-000000000000";
  const auto wrong_site = check_account(user, account(kApiKey, other_site));
  const std::string ws_message = expect_connector_error(wrong_site, "auth_failed");
  EXPECT_NE(ws_message.find(other_site), std::string::npos) << ws_message;
  EXPECT_NE(ws_message.find("config.site_id"), std::string::npos) << ws_message;
}

}  // namespace
}  // namespace scratch::test

// The Webflow connector end to end: a real scratchd with plugins/webflow against the Webflow emulator
// (tests/emulators/webflow), all through Scratch's HTTP API. The emulator's state is the proof of what
// reached "Webflow": every test compares it before and after.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "saas_fixture.hpp"
#include "snapshots/sync/sync_helpers.hpp"

namespace scratch::test {
namespace {

using namespace sync;

// The emulator's fixed ids (tests/emulators/webflow/seed_data.py).
constexpr const char* kSite = "64f0a1b2c3d4e5f6a7b8c9d0";
constexpr const char* kPosts = "64f0a1b2c3d4e5f6a7b8c9e1";
constexpr const char* kCategories = "64f0a1b2c3d4e5f6a7b8c9e2";
constexpr const char* kToken = "webflow-test-token";

class Webflow : public SaasTest {
 protected:
  // Starts the emulator with `knobs`, seeded with `posts` items in Posts (and 5 categories).
  void start(int posts, const json& knobs = json::object()) { start_service("webflow", knobs, posts); }

  // A webflow account on the emulator at 300 requests a minute (5 a second).
  std::string account(const std::string& token = kToken, const std::string& site = kSite,
                      const std::string& publish = "staged") {
    return create_account(user, "webflow",
                          {{"base_url", emu().base_url() + "/v2"},
                           {"site_id", site},
                           {"requests_per_minute", 300},
                           {"publish", publish}},
                          {{"api_token", token}});
  }

  // One collection of the emulator's state: {fields, items, liveItems, ...}.
  static json collection(const json& state, const std::string& id) {
    for (const auto& c : state.at("collections"))
      if (c.value("id", "") == id) return c;
    ADD_FAILURE() << "no collection " << id;
    return json::object();
  }
  // Items (staged or live) by id.
  static std::map<std::string, json> by_id(const json& items) { return index_by(items); }
  // The ids whose items differ between two maps (present in one only, or not equal), for short messages.
  static std::set<std::string> differing(const std::map<std::string, json>& a,
                                         const std::map<std::string, json>& b) {
    std::set<std::string> out;
    for (const auto& [id, item] : a)
      if (!b.count(id) || b.at(id) != item) out.insert(id);
    for (const auto& [id, item] : b)
      if (!a.count(id)) out.insert(id);
    return out;
  }
  static std::string ids_text(const std::set<std::string>& ids) {
    std::string out;
    for (const auto& id : ids)
      out += id + " ";
    return out;
  }

  // The record whose remote_id is `item_id`.
  static json record_for(const json& records, const std::string& item_id) {
    for (const auto& r : records)
      if (r["remote_id"] == item_id) return r;
    return nullptr;
  }
  // The staged item whose name is `name`.
  static json item_named(const json& items, const std::string& name) {
    for (const auto& i : items)
      if (i["fieldData"].value("name", "") == name) return i;
    ADD_FAILURE() << "no item named " << name;
    return json::object();
  }

  // What the connector must show for a raw item in a record, per field type (the mapping under test).
  static json expected_fields(const json& fields, const json& item) {
    json out = json::object();
    for (const auto& f : fields) {
      const std::string slug = f["slug"];
      const json& data = item["fieldData"];
      if (!data.contains(slug)) {
        out[slug] = nullptr;
        continue;
      }
      json v = data[slug];
      if (f["type"] == "Option") {
        for (const auto& o : f["validations"]["options"])
          if (o["id"] == v) v = o["name"];
      } else if (f["type"] == "Reference") {
        v = json::array({v});
      }
      out[slug] = v;
    }
    for (const char* key :
         {"isDraft", "isArchived", "createdOn", "lastUpdated", "lastPublished", "cmsLocaleId"})
      out[key] = item[key];
    return out;
  }

  static std::string option_id(const json& posts, const std::string& name) {
    for (const auto& f : posts["fields"])
      if (f["slug"] == "status")
        for (const auto& o : f["validations"]["options"])
          if (o["name"] == name) return o["id"];
    ADD_FAILURE() << "no option " << name;
    return "";
  }
};

TEST_F(Webflow, FullRoundTripChangesExactlyWhatWasPlanned) {
  start(1050);
  const std::string acc = account();
  const auto check = check_account(user, acc);
  ASSERT_EQ(check.status, 200) << check.body;
  EXPECT_NE(check.json().value("message", "").find("Emulated Blog"), std::string::npos) << check.body;

  // Tables: both collections; every Webflow type mapped, system fields read-only.
  const json tables = account_tables(user, acc);
  ASSERT_FALSE(find_table(tables, kCategories).is_null()) << tables.dump();
  const json table = find_table(tables, kPosts);
  ASSERT_FALSE(table.is_null()) << tables.dump();
  EXPECT_EQ(table["name"], "Posts");
  std::map<std::string, std::pair<std::string, bool>> types;
  for (const auto& f : table["fields"])
    types[f["id"]] = {f["type"], f["read_only"]};
  const std::map<std::string, std::pair<std::string, bool>> expected_types = {
      {"name", {"text", false}},
      {"slug", {"text", false}},
      {"summary", {"text", false}},
      {"body", {"long_text", false}},
      {"main-image", {"json", false}},
      {"gallery", {"json", false}},
      {"video", {"url", false}},
      {"website", {"url", false}},
      {"contact-email", {"email", false}},
      {"phone", {"text", false}},
      {"rating", {"number", false}},
      {"published-on", {"datetime", false}},
      {"featured", {"boolean", false}},
      {"accent-color", {"text", false}},
      {"status", {"single_select", false}},
      {"attachment", {"json", false}},
      {"category", {"link", false}},
      {"tags", {"link", false}},
      {"author", {"json", true}},
      {"isDraft", {"boolean", false}},
      {"isArchived", {"boolean", false}},
      {"createdOn", {"datetime", true}},
      {"lastUpdated", {"datetime", true}},
      {"lastPublished", {"datetime", true}},
      {"cmsLocaleId", {"text", true}},
  };
  EXPECT_EQ(types, expected_types) << table.dump();
  for (const auto& f : table["fields"]) {
    if (f["id"] == "status") {
      EXPECT_EQ(f["options"], json({"Draft", "In review", "Final"}));
    }
  }

  // Download: 11 pages of up to 100.
  const json before = emu().state();
  const json posts_before = collection(before, kPosts);
  const json fields = posts_before["fields"];
  const auto staged_before = by_id(posts_before["items"]);
  const auto live_before = by_id(posts_before["liveItems"]);
  ASSERT_EQ(staged_before.size(), 1050u);
  const Downloaded d = download_table(user, acc, kPosts);
  EXPECT_EQ(progress_total(d.job), 1050) << d.job.dump();
  const json records = all_records(user, d.snapshot_id, d.table_id);
  ASSERT_EQ(records.size(), 1050u);
  std::map<std::string, std::pair<int, int>> seen;  // field -> (null, non-null) counts
  for (const auto& r : records) {
    const std::string item_id = r["remote_id"];
    ASSERT_EQ(staged_before.count(item_id), 1u) << r.dump();
    const json want = expected_fields(fields, staged_before.at(item_id));
    ASSERT_EQ(r["values"], want) << "item " << item_id;
    for (const auto& [k, v] : want.items())
      (v.is_null() ? seen[k].first : seen[k].second)++;
  }
  for (const char* slug :
       {"summary", "body", "main-image", "gallery", "video", "website", "contact-email", "phone", "rating",
        "published-on", "status", "attachment", "category", "tags", "author", "lastPublished"}) {
    EXPECT_GT(seen[slug].first, 0) << slug << " is never empty";
    EXPECT_GT(seen[slug].second, 0) << slug << " is never set";
  }

  // Edits on three items over several types, two creates, two deletes.
  const json p2 = item_named(posts_before["items"], "Post 2");
  const json p4 = item_named(posts_before["items"], "Post 4");
  const json p5 = item_named(posts_before["items"], "Post 5");
  const json p7 = item_named(posts_before["items"], "Post 7");
  const json p8 = item_named(posts_before["items"], "Post 8");
  const json cats = collection(before, kCategories)["items"];
  const std::string cat1 = cats[0]["id"], cat2 = cats[1]["id"], cat3 = cats[2]["id"];
  const auto rid = [&](const json& item) { return id_of(record_for(records, item["id"])); };
  edit_record(user, d, rid(p2), {{"summary", "Edited summary"}, {"status", "Draft"}, {"rating", 42.25}});
  edit_record(user, d, rid(p4),
              {{"featured", false}, {"category", {cat3}}, {"published-on", "2025-01-02T03:04:05Z"}});
  const json new_image = {{"url", "https://example.com/new.png"}, {"alt", "New cover"}};
  edit_record(user, d, rid(p5), {{"isDraft", true}, {"body", "<p>Rewritten</p>"}, {"main-image", new_image}});
  const std::string new1 = id_of(create_record(user, d,
                                               {{"name", "Brand new post"},
                                                {"slug", "brand-new-post"},
                                                {"status", "Final"},
                                                {"featured", true},
                                                {"tags", {cat1, cat2}},
                                                {"rating", 7}}));
  const std::string new2 = id_of(create_record(user, d, {{"name", "Second new post!"}}));
  delete_record(user, d, rid(p7));
  delete_record(user, d, rid(p8));

  const json plan = full_plan(user, d.snapshot_id);
  const json counts = counts_for(plan, d.table_id);
  EXPECT_EQ(counts.value("creates", -1), 2) << plan.dump();
  EXPECT_EQ(counts.value("updates", -1), 3) << plan.dump();
  EXPECT_EQ(counts.value("deletes", -1), 2) << plan.dump();

  const json job = publish(user, d.snapshot_id);
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump();
  const json result = job["result"];
  EXPECT_EQ(result.value("status", ""), "completed") << result.dump();
  EXPECT_EQ(succeeded_failed(result, "create"), json({{"succeeded", 2}, {"failed", 0}})) << result.dump();
  EXPECT_EQ(succeeded_failed(result, "update"), json({{"succeeded", 3}, {"failed", 0}})) << result.dump();
  EXPECT_EQ(succeeded_failed(result, "delete"), json({{"succeeded", 2}, {"failed", 0}})) << result.dump();

  // Webflow: exactly the planned changes, in the staged copies only.
  const json after = emu().state();
  EXPECT_TRUE(collection(after, kCategories) == collection(before, kCategories)) << "categories changed";
  const json posts_after = collection(after, kPosts);
  const auto staged_after = by_id(posts_after["items"]);
  // Staged writes leave the live site alone; a delete takes the item's live copy with it.
  auto live_expected = live_before;
  live_expected.erase(p7["id"].get<std::string>());
  live_expected.erase(p8["id"].get<std::string>());
  EXPECT_EQ(ids_text(differing(by_id(posts_after["liveItems"]), live_expected)), "");
  EXPECT_EQ(posts_after["fields"], fields);
  ASSERT_EQ(staged_after.size(), 1050u);
  EXPECT_EQ(staged_after.count(p7["id"]), 0u);
  EXPECT_EQ(staged_after.count(p8["id"]), 0u);
  const std::set<std::string> edited = {p2["id"], p4["id"], p5["id"], p7["id"], p8["id"]};
  int untouched = 0;
  for (const auto& [id, item] : staged_before) {
    if (edited.count(id)) continue;
    ASSERT_EQ(staged_after.count(id), 1u) << id;
    EXPECT_TRUE(staged_after.at(id) == item) << "untouched item " << id << " changed";
    ++untouched;
  }
  EXPECT_EQ(untouched, 1045);
  const auto changed = [&](json item, const json& field_data, const json& top = json::object()) {
    for (const auto& [k, v] : field_data.items())
      item["fieldData"][k] = v;
    for (const auto& [k, v] : top.items())
      item[k] = v;
    item["lastUpdated"] = staged_after.at(item["id"].get<std::string>())["lastUpdated"];
    return item;
  };
  EXPECT_EQ(staged_after.at(p2["id"]), changed(p2, {{"summary", "Edited summary"},
                                                    {"status", option_id(posts_before, "Draft")},
                                                    {"rating", 42.25}}));
  EXPECT_EQ(
      staged_after.at(p4["id"]),
      changed(p4, {{"featured", false}, {"category", cat3}, {"published-on", "2025-01-02T03:04:05.000Z"}}));
  const json stored_image = staged_after.at(p5["id"])["fieldData"]["main-image"];
  EXPECT_EQ(stored_image["url"], "https://example.com/new.png");
  EXPECT_EQ(stored_image["alt"], "New cover");
  EXPECT_TRUE(stored_image["fileId"].is_string());
  EXPECT_EQ(staged_after.at(p5["id"]),
            changed(p5, {{"body", "<p>Rewritten</p>"}, {"main-image", stored_image}}, {{"isDraft", true}}));
  EXPECT_NE(staged_after.at(p2["id"])["lastUpdated"], p2["lastUpdated"]);

  std::map<std::string, json> created;
  for (const auto& [id, item] : staged_after)
    if (!staged_before.count(id)) created[item["fieldData"]["name"]] = item;
  ASSERT_EQ(created.size(), 2u);
  const json c1 = created["Brand new post"];
  EXPECT_EQ(c1["fieldData"], json({{"name", "Brand new post"},
                                   {"slug", "brand-new-post"},
                                   {"status", option_id(posts_before, "Final")},
                                   {"featured", true},
                                   {"tags", {cat1, cat2}},
                                   {"rating", 7}}));
  EXPECT_EQ(c1["isDraft"], false);
  EXPECT_TRUE(c1["lastPublished"].is_null());
  const json c2 = created["Second new post!"];
  EXPECT_EQ(c2["fieldData"], json({{"name", "Second new post!"}, {"slug", "second-new-post"}}))
      << "a create without a slug gets one made from its name";

  // The snapshot: everything synced, values as Webflow stored them, nothing left to publish.
  const json table_after = user.get_ok(table_path(d.snapshot_id, d.table_id));
  EXPECT_EQ(table_after.value("dirty_count", -1), 0) << table_after.dump();
  EXPECT_EQ(table_after.value("record_count", -1), 1050) << table_after.dump();
  EXPECT_TRUE(full_plan(user, d.snapshot_id)["operations"].empty());
  const json r1 = user.get_ok(d.records + "/" + new1);
  EXPECT_EQ(r1.value("state", ""), "synced") << r1.dump();
  EXPECT_EQ(r1["remote_id"], c1["id"]);
  EXPECT_EQ(r1["values"], expected_fields(fields, c1));
  const json r2 = user.get_ok(d.records + "/" + new2);
  EXPECT_EQ(r2["remote_id"], c2["id"]);
  EXPECT_EQ(r2["values"]["slug"], "second-new-post");
  const json r4 = user.get_ok(d.records + "/" + rid(p4));
  EXPECT_EQ(r4["values"]["published-on"], "2025-01-02T03:04:05.000Z") << "the stored form comes back";
  EXPECT_EQ(r4["values"], expected_fields(fields, staged_after.at(p4["id"])));
}

TEST_F(Webflow, AValidationErrorFailsOnlyThatRecordWithWebflowsMessage) {
  start(40, {{"reject_values", {"FORBIDDEN"}}});
  const std::string acc = account();
  const Downloaded d = download_table(user, acc, kPosts);
  const json records = all_records(user, d.snapshot_id, d.table_id);
  ASSERT_EQ(records.size(), 40u);
  const json before = collection(emu().state(), kPosts);
  std::vector<std::string> ids;  // item ids of the five edited records, the third one bad
  for (int n = 1; n <= 5; ++n) {
    const json item = item_named(before["items"], "Post " + std::to_string(n));
    ids.push_back(item["id"]);
    const std::string summary = n == 3 ? "this is FORBIDDEN text" : "fine " + std::to_string(n);
    edit_record(user, d, id_of(record_for(records, item["id"])), {{"summary", summary}});
  }
  emu().reset_log();

  const json job = publish(user, d.snapshot_id);
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump();
  const json result = job["result"];
  EXPECT_EQ(result.value("status", ""), "completed_with_errors") << result.dump();
  EXPECT_EQ(succeeded_failed(result, "update"), json({{"succeeded", 4}, {"failed", 1}})) << result.dump();
  ASSERT_EQ(result["failures"].size(), 1u) << result.dump();

  const auto staged = by_id(collection(emu().state(), kPosts)["items"]);
  const auto old = by_id(before["items"]);
  for (int n = 1; n <= 5; ++n) {
    const std::string& id = ids[n - 1];
    if (n == 3) {
      EXPECT_EQ(staged.at(id), old.at(id)) << "the refused item is unchanged";
    } else {
      EXPECT_EQ(staged.at(id)["fieldData"]["summary"], "fine " + std::to_string(n));
    }
  }
  const json bad = user.get_ok(d.records + "/" + id_of(record_for(records, ids[2])));
  ASSERT_TRUE(bad["publish_error"].is_object()) << bad.dump();
  EXPECT_EQ(bad["publish_error"].value("code", ""), "invalid_value") << bad.dump();
  const std::string message = bad["publish_error"].value("message", "");
  EXPECT_NE(message.find("Validation Error"), std::string::npos) << message;
  EXPECT_NE(message.find("fieldData.summary"), std::string::npos) << message;
  EXPECT_NE(message.find("FORBIDDEN"), std::string::npos) << message;
  EXPECT_EQ(bad["edits"], json({{"summary", "this is FORBIDDEN text"}}));
  EXPECT_EQ(user.get_ok(table_path(d.snapshot_id, d.table_id)).value("dirty_count", -1), 1);

  // The bulk PATCH was refused as a whole (400), then each record went alone.
  int refused = 0, patches = 0;
  for (const auto& r : emu().requests()) {
    if (r["method"] != "PATCH") continue;
    ++patches;
    if (r["status"] == 400) ++refused;
  }
  EXPECT_EQ(refused, 2) << emu().requests().dump();
  EXPECT_EQ(patches, 6) << emu().requests().dump();
}

TEST_F(Webflow, ACreateAnsweredWith5xxIsNeverSentAgain) {
  start(20);
  const std::string acc = account();
  const Downloaded d = download_table(user, acc, kPosts);
  std::vector<std::string> rids;
  for (int n = 1; n <= 3; ++n)
    rids.push_back(id_of(create_record(user, d, {{"name", "Fresh " + std::to_string(n)}})));
  for (const auto& r : all_records(user, d.snapshot_id, d.table_id)) {
    if (r["remote_id"].is_null()) continue;
    edit_record(user, d, id_of(r), {{"summary", "changed alongside"}});
    break;
  }

  // Publish's first POST is the bulk create: carried out, then answered 500.
  emu().reset_log();
  emu().knobs({{"fail", {{{"nth", 1}, {"status", 500}, {"apply", true}, {"method", "POST"}}}}});
  const json job = publish(user, d.snapshot_id);
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump();
  const json result = job["result"];
  EXPECT_EQ(result.value("status", ""), "completed_with_errors") << result.dump();
  EXPECT_EQ(result["counts"]["create"].value("ambiguous", -1), 3) << result.dump();
  EXPECT_EQ(succeeded_failed(result, "update"), json({{"succeeded", 1}, {"failed", 0}})) << result.dump();
  for (const auto& rid : rids) {
    const json r = user.get_ok(d.records + "/" + rid);
    EXPECT_TRUE(r["ambiguous_create"].get<bool>()) << r.dump();
    EXPECT_EQ(r["publish_error"].value("code", ""), "outcome_unknown") << r.dump();
  }
  const auto count_fresh = [&] {
    int n = 0;
    const json items = collection(emu().state(), kPosts)["items"];
    for (const auto& i : items)
      if (i["fieldData"]["name"].get<std::string>().rfind("Fresh ", 0) == 0) ++n;
    return n;
  };
  EXPECT_EQ(count_fresh(), 3) << "Webflow did create them";

  // Publishing again sends no create: the ambiguous ones wait for the user.
  emu().knobs({{"fail", json::array()}});
  emu().reset_log();
  const json plan = full_plan(user, d.snapshot_id);
  EXPECT_TRUE(plan["operations"].empty()) << plan.dump();
  EXPECT_EQ(plan["skipped"].size(), 3u) << plan.dump();
  const json again = publish(user, d.snapshot_id);
  ASSERT_EQ(again.value("state", ""), "succeeded") << again.dump();
  EXPECT_EQ(count_fresh(), 3) << "no duplicates";
  for (const auto& r : emu().requests())
    EXPECT_NE(r["method"], "POST") << emu().requests().dump();
}

TEST_F(Webflow, LivePublishingWritesTheLiveSiteAndRefusesNeverPublishedItems) {
  start(12);
  const std::string acc = account(kToken, kSite, "live");
  const Downloaded d = download_table(user, acc, kPosts);
  const json records = all_records(user, d.snapshot_id, d.table_id);
  const json before = collection(emu().state(), kPosts);
  const json p1 = item_named(before["items"], "Post 1");  // published
  const json p2 = item_named(before["items"], "Post 2");  // published
  const json p3 = item_named(before["items"], "Post 3");  // a draft, never published
  ASSERT_TRUE(p3["lastPublished"].is_null());
  const auto rid = [&](const json& item) { return id_of(record_for(records, item["id"])); };
  edit_record(user, d, rid(p1), {{"summary", "Live edit"}});
  edit_record(user, d, rid(p3), {{"summary", "Draft edit"}});
  create_record(user, d, {{"name", "Live new"}, {"featured", true}});
  delete_record(user, d, rid(p2));
  emu().reset_log();

  const json job = publish(user, d.snapshot_id);
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump();
  const json result = job["result"];
  EXPECT_EQ(succeeded_failed(result, "create"), json({{"succeeded", 1}, {"failed", 0}})) << result.dump();
  EXPECT_EQ(succeeded_failed(result, "update"), json({{"succeeded", 1}, {"failed", 1}})) << result.dump();
  EXPECT_EQ(succeeded_failed(result, "delete"), json({{"succeeded", 1}, {"failed", 0}})) << result.dump();
  const json draft = user.get_ok(d.records + "/" + rid(p3));
  EXPECT_EQ(draft["publish_error"].value("code", ""), "conflict") << draft.dump();
  EXPECT_NE(draft["publish_error"].value("message", "").find("never been published"), std::string::npos)
      << draft.dump();

  const json after = collection(emu().state(), kPosts);
  const auto staged = by_id(after["items"]);
  const auto live = by_id(after["liveItems"]);
  const std::string id1 = p1["id"], id2 = p2["id"], id3 = p3["id"];
  EXPECT_EQ(staged.at(id1)["fieldData"]["summary"], "Live edit");
  EXPECT_EQ(live.at(id1), staged.at(id1)) << "the edit is live";
  EXPECT_NE(live.at(id1)["lastPublished"], p1["lastPublished"]);
  EXPECT_EQ(staged.at(id3), p3) << "the draft is unchanged";
  EXPECT_EQ(live.count(id3), 0u);
  EXPECT_EQ(staged.count(id2), 0u);
  EXPECT_EQ(live.count(id2), 0u) << "deleted and off the live site";
  const json created = item_named(after["items"], "Live new");
  ASSERT_EQ(live.count(created.value("id", "")), 1u) << "created live";
  EXPECT_FALSE(created["lastPublished"].is_null());
  std::set<std::string> paths;
  for (const auto& r : emu().requests())
    paths.insert(r["method"].get<std::string>() + " " + r["path"].get<std::string>());
  const std::string items = std::string("/v2/collections/") + kPosts + "/items";
  for (const std::string& expected : {"POST " + items + "/live", "PATCH " + items + "/live",
                                      "DELETE " + items + "/live", "DELETE " + items})
    EXPECT_EQ(paths.count(expected), 1u) << expected;
}

TEST_F(Webflow, DownloadAndPublishKeepTheRateLimit) {
  start(320, {{"rate_limit_per_second", 5}});
  const std::string acc = account();
  const Downloaded d = download_table(user, acc, kPosts);
  const json records = all_records(user, d.snapshot_id, d.table_id);
  ASSERT_EQ(records.size(), 320u);
  for (int n = 0; n < 3; ++n)
    edit_record(user, d, id_of(records[n]), {{"rating", 100 + n}});
  create_record(user, d, {{"name", "Rate limited post"}});
  delete_record(user, d, id_of(records[10]));
  const json job = publish(user, d.snapshot_id);
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump();
  EXPECT_EQ(job["result"].value("status", ""), "completed") << job.dump();

  const json stats = expect_rate_kept(5);
  EXPECT_GE(stats.value("requests", 0), 10) << stats.dump();
}

TEST_F(Webflow, A429StormDuringDownloadIsWaitedOut) {
  start(250);
  const std::string acc = account();
  account_tables(user, acc);
  emu().knobs({{"storm_429", 3}, {"retry_after_seconds", 1}});
  const Downloaded d = download_table(user, acc, kPosts);
  EXPECT_EQ(all_records(user, d.snapshot_id, d.table_id).size(), 250u);
  const json stats = emu().stats();
  EXPECT_EQ(stats["by_status"].value("429", 0), 3) << stats.dump();
}

TEST_F(Webflow, ABadTokenOrSiteFailsTheCheckClearly) {
  start(1);
  const auto bad_token = check_account(user, account("not-the-token"));
  const std::string message = expect_connector_error(bad_token, "auth_failed");
  EXPECT_NE(message.find("Webflow refused the API token"), std::string::npos) << message;
  EXPECT_NE(message.find("401"), std::string::npos) << message;

  const auto bad_site = check_account(user, account(kToken, "000000000000000000000000"));
  EXPECT_NE(expect_connector_error(bad_site, "not_found").find("site_id"), std::string::npos)
      << bad_site.body;
}

}  // namespace
}  // namespace scratch::test

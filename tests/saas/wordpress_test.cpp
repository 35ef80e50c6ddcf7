// The WordPress connector end to end: a real scratchd with build/plugins/wordpress.so against the WordPress
// emulator (tests/emulators/wordpress), everything through the product's HTTP API. The emulator's state is
// the truth about what reached "WordPress".
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "saas_fixture.hpp"
#include "snapshots/sync/sync_helpers.hpp"

namespace scratch::test {
namespace {

using namespace sync;

constexpr const char* kUsername = "admin";
constexpr const char* kPassword = "abcd EFGH 1234 ijkl MNOP 5678";
constexpr const char* kPostsPath = "/wp-json/wp/v2/posts";

class WordPressTest : public SaasTest {
 protected:
  void SetUp() override {
    SaasTest::SetUp();
    if (HasFatalFailure()) return;
    start_service("wordpress");
  }

  // Fills the site: `count` posts (and the fixed pages, books and media).
  void seed(int count) { emu().seed({{"count", count}}); }

  std::string account(json config = json::object(), const std::string& password = kPassword,
                      const std::string& username = kUsername) {
    if (!config.contains("site_url")) config["site_url"] = emu().base_url();
    return create_account(user, "wordpress", config,
                          {{"username", username}, {"application_password", password}});
  }

  // Every stored post of a type by id, as the emulator keeps it (raw text, dates without a zone).
  std::map<long long, json> stored(const std::string& type = "post") const {
    std::map<long long, json> out;
    const json state = emu().state();
    for (const auto& p : state["posts"])
      if (p["type"] == type) out[p["id"].get<long long>()] = p;
    return out;
  }
  // The id of seeded post i (1-based, in creation order).
  static long long post_id(const std::map<long long, json>& posts, int i) {
    if (i < 1 || static_cast<std::size_t>(i) > posts.size()) {
      ADD_FAILURE() << "no seeded post " << i << " among " << posts.size();
      return 0;
    }
    auto it = posts.begin();
    std::advance(it, i - 1);
    return it->first;
  }

  // The snapshot's record for a remote id (asserts there is one).
  json record_for(const Downloaded& d, long long remote_id) {
    return SaasTest::record_for(d, std::to_string(remote_id));
  }
  std::string local_id(const json& records, long long remote_id) {
    const json r = by_remote_id(records, std::to_string(remote_id));
    EXPECT_FALSE(r.is_null()) << "no record with remote id " << remote_id;
    return r.is_null() ? "" : id_of(r);
  }
  json record(const Downloaded& d, const std::string& id) { return user.get_ok(d.records + "/" + id); }

  static int count_titled(const std::map<long long, json>& posts, const std::string& title) {
    int n = 0;
    for (const auto& [id, p] : posts)
      if (p.value("title", "") == title) ++n;
    return n;
  }
};

// A post as stored with only the bookkeeping WordPress does on every write (modified) left out.
json without_modified(json post) {
  post.erase("modified");
  post.erase("modified_gmt");
  return post;
}

// a. Account, check, schema mapping, a 1,050-post download over 11 pages, edits across the field types, two
// creates, two deletes (to the trash), publish, and exactly those changes in WordPress.
TEST_F(WordPressTest, FullRoundTripChangesExactlyWhatWasEdited) {
  seed(1050);
  const std::string acc = account();
  ASSERT_FALSE(acc.empty());
  const auto checked = check_account(user, acc);
  ASSERT_EQ(checked.status, 200) << checked.body;
  EXPECT_NE(checked.body.find("signed in to " + emu().base_url() + " as Ada Admin"), std::string::npos)
      << checked.body;

  const json tables = account_tables(user, acc);
  std::set<std::string> ids;
  for (const auto& t : tables["tables"])
    ids.insert(t["id"].get<std::string>());
  EXPECT_EQ(ids, (std::set<std::string>{"posts", "pages", "books"}))
      << "media, menus and patterns are not offered";
  const json posts = find_table(tables, "posts");
  ASSERT_TRUE(posts.is_object()) << tables.dump();
  EXPECT_EQ(posts["name"], "Posts");
  EXPECT_EQ(posts["read_only"], false);
  const std::map<std::string, std::pair<std::string, bool>> expected_types = {
      {"id", {"number", true}},
      {"date", {"datetime", false}},
      {"guid", {"url", true}},
      {"modified", {"datetime", true}},
      {"password", {"text", false}},
      {"slug", {"text", false}},
      {"status", {"single_select", false}},
      {"link", {"url", true}},
      {"title", {"text", false}},
      {"content", {"long_text", false}},
      {"excerpt", {"long_text", false}},
      {"author", {"number", false}},
      {"featured_media", {"number", false}},
      {"comment_status", {"single_select", false}},
      {"ping_status", {"single_select", false}},
      {"sticky", {"boolean", false}},
      {"template", {"text", false}},
      {"format", {"single_select", false}},
      {"meta", {"json", false}},
      {"categories", {"json", false}},
      {"tags", {"json", false}},
  };
  ASSERT_NO_FATAL_FAILURE(expect_field_types(posts, expected_types));
  for (const auto& f : posts["fields"]) {
    if (f["id"] == "status") {
      EXPECT_EQ(f["options"], json({"publish", "future", "draft", "pending", "private"}));
    } else if (f["id"] == "comment_status") {
      EXPECT_EQ(f["options"], json({"open", "closed"}));
    }
  }
  std::map<std::string, json> page_fields, book_fields;
  const json pages = find_table(tables, "pages"), books = find_table(tables, "books");
  ASSERT_TRUE(pages.is_object() && books.is_object()) << tables.dump();
  for (const auto& f : pages["fields"])
    page_fields[f["id"]] = f;
  for (const auto& f : books["fields"])
    book_fields[f["id"]] = f;
  EXPECT_EQ(page_fields.at("parent")["type"], "number");
  EXPECT_EQ(page_fields.at("menu_order")["type"], "number");
  EXPECT_EQ(page_fields.count("sticky") + page_fields.count("categories") + page_fields.count("format"), 0u);
  EXPECT_EQ(book_fields.at("genres")["type"], "json");
  EXPECT_EQ(book_fields.count("author"), 0u) << "books do not support authors";

  const auto before = stored();
  const json state_before = emu().state();
  ASSERT_EQ(before.size(), 1050u);
  emu().reset_log();
  const Downloaded d = download_table(user, acc, "posts");
  ASSERT_FALSE(d.table_id.empty());
  const json records = all_records(user, d.snapshot_id, d.table_id);
  ASSERT_EQ(records.size(), 1050u) << "drafts, pending, private and scheduled posts too";
  EXPECT_EQ(count_requests("GET", kPostsPath), 11) << "1,050 posts in pages of 100";
  EXPECT_EQ(progress_total(d.job), 1050) << d.job.dump();

  // Values as downloaded: raw text, UTC dates, every type.
  const long long id1 = post_id(before, 1), id2 = post_id(before, 2), id3 = post_id(before, 3);
  const long long id4 = post_id(before, 4), id5 = post_id(before, 5), id10 = post_id(before, 10);
  const long long id11 = post_id(before, 11), id13 = post_id(before, 13), id23 = post_id(before, 23);
  const json v1 = by_remote_id(records, std::to_string(id1))["values"];
  EXPECT_EQ(v1["id"], id1);
  EXPECT_EQ(v1["title"], "Post 1");
  EXPECT_EQ(v1["content"], before.at(id1)["content"]) << "raw, not rendered";
  EXPECT_EQ(v1["content"].get<std::string>().find("<p>"), std::string::npos);
  EXPECT_EQ(v1["excerpt"], "");
  EXPECT_EQ(v1["date"], "2024-01-01T09:00:00Z") << "date_gmt, read as UTC (the site is UTC+2)";
  EXPECT_EQ(v1["modified"], before.at(id1)["modified_gmt"].get<std::string>() + "Z");
  EXPECT_EQ(v1["status"], "publish");
  EXPECT_EQ(v1["slug"], "post-1");
  EXPECT_EQ(v1["link"], "https://wp.example.test/2024/01/01/post-1/");
  EXPECT_EQ(v1["guid"], "https://wp.example.test/?p=" + std::to_string(id1));
  EXPECT_EQ(v1["sticky"], true);
  EXPECT_EQ(v1["author"], 2);
  EXPECT_EQ(v1["featured_media"], 0);
  EXPECT_EQ(v1["categories"], json({2}));
  EXPECT_EQ(v1["tags"], json({5}));
  EXPECT_EQ(v1["meta"], json({{"footnotes", ""}, {"reading_time", 1}}));
  EXPECT_EQ(v1["template"], "");
  EXPECT_EQ(v1["format"], "standard");
  EXPECT_EQ(by_remote_id(records, std::to_string(id1))["remote_updated_at"].is_null(), false);
  const json v3 = by_remote_id(records, std::to_string(id3))["values"];
  EXPECT_EQ(v3["status"], "draft");
  EXPECT_EQ(v3["slug"], "") << "a draft has no slug yet";
  EXPECT_EQ(v3["excerpt"], "Excerpt of post 3.");
  EXPECT_EQ(v3["featured_media"], 1);
  EXPECT_EQ(by_remote_id(records, std::to_string(id5))["values"]["title"], "Tom & Jerry's \"best\" post 5")
      << "the raw title, not WordPress's &#8217;-escaped rendering";
  EXPECT_EQ(by_remote_id(records, std::to_string(id13))["values"]["title"], "");
  EXPECT_EQ(by_remote_id(records, std::to_string(id23))["values"]["password"], "secret-23");
  EXPECT_EQ(by_remote_id(records, std::to_string(post_id(before, 6)))["values"]["status"], "future");

  // Edits across the field types.
  edit_record(user, d, local_id(records, id1),
              {{"title", "Renamed 1"}, {"status", "draft"}, {"sticky", false}, {"categories", {3, 4}}});
  edit_record(user, d, local_id(records, id2),
              {{"content", "New raw content with [gallery ids=\"2\"]\n\nand no paragraphs."},
               {"date", "2024-07-01T12:30:00+02:00"},
               {"meta", {{"footnotes", ""}, {"reading_time", 9}}}});
  edit_record(user, d, local_id(records, id4),
              {{"slug", "renamed-four"},
               {"author", 2},
               {"comment_status", "open"},
               {"tags", {7, 8}},
               {"featured_media", 2},
               {"format", "quote"},
               {"excerpt", "A new excerpt."}});
  const json c1 = create_record(user, d,
                                {{"title", "Created one"},
                                 {"content", "Hello\n\nWorld [gallery]"},
                                 {"status", "publish"},
                                 {"date", "2024-02-02T02:02:02Z"},
                                 {"categories", {2}},
                                 {"tags", {6}},
                                 {"sticky", true},
                                 {"meta", {{"reading_time", 3}}}});
  const json c2 = create_record(user, d, {{"title", "Created two"}});
  delete_record(user, d, local_id(records, id10));
  delete_record(user, d, local_id(records, id11));

  const json plan = full_plan(user, d.snapshot_id);
  const json counts = counts_for(plan, d.table_id);
  EXPECT_EQ(counts.value("creates", -1), 2) << counts.dump();
  EXPECT_EQ(counts.value("updates", -1), 3) << counts.dump();
  EXPECT_EQ(counts.value("deletes", -1), 2) << counts.dump();

  emu().reset_log();
  const json job = publish(user, d.snapshot_id);
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump();
  EXPECT_EQ(job["result"].value("status", ""), "completed") << job.dump();
  EXPECT_EQ(count_requests("POST", kPostsPath), 2);
  EXPECT_EQ(count_requests("POST", std::string(kPostsPath) + "/" + std::to_string(id2)), 1)
      << "partial update";
  EXPECT_EQ(count_requests("DELETE", std::string(kPostsPath) + "/" + std::to_string(id10)), 1);

  // WordPress holds exactly the planned changes; nothing else changed, not even another type's posts.
  const json state_after = emu().state();
  const auto after = stored();
  ASSERT_EQ(after.size(), 1052u) << "trashed posts stay (in the trash), two were created";
  const std::set<long long> new_ids = added_ids(before, after);
  ASSERT_EQ(new_ids.size(), 2u);
  ASSERT_TRUE(unchanged_except(before, after, {id1, id2, id4, id10, id11}, "post"));
  std::vector<json> others_before, others_after;
  for (const auto& p : state_before["posts"])
    if (p["type"] != "post") others_before.push_back(p);
  for (const auto& p : state_after["posts"])
    if (p["type"] != "post") others_after.push_back(p);
  EXPECT_EQ(json(others_after).dump(), json(others_before).dump()) << "pages, books and media untouched";
  EXPECT_EQ(state_after["terms"].dump(), state_before["terms"].dump());

  const auto expect_edited = [&](long long id, json expected) {
    const json& was = before.at(id);
    const json& now = after.at(id);
    EXPECT_NE(now["modified_gmt"], was["modified_gmt"]) << id;
    EXPECT_EQ(without_modified(now), without_modified(expected)) << id;
  };
  json p1 = before.at(id1);
  p1["title"] = "Renamed 1";
  p1["status"] = "draft";
  p1["sticky"] = false;
  p1["categories"] = {3, 4};
  expect_edited(id1, p1);
  json p2 = before.at(id2);
  p2["content"] = "New raw content with [gallery ids=\"2\"]\n\nand no paragraphs.";
  p2["date_gmt"] = "2024-07-01T10:30:00";
  p2["date"] = "2024-07-01T12:30:00";
  p2["meta"]["reading_time"] = 9;
  expect_edited(id2, p2);
  json p4 = before.at(id4);
  p4["slug"] = "renamed-four";
  p4["author"] = 2;
  p4["comment_status"] = "open";
  p4["tags"] = {7, 8};
  p4["featured_media"] = 2;
  p4["format"] = "quote";
  p4["excerpt"] = "A new excerpt.";
  expect_edited(id4, p4);
  for (const long long id : {id10, id11}) {
    json trashed = before.at(id);
    trashed["trash_meta_status"] = trashed["status"];
    trashed["status"] = "trash";
    if (!trashed["slug"].get<std::string>().empty())  // a draft has none to suffix
      trashed["slug"] = trashed["slug"].get<std::string>() + "__trashed";
    expect_edited(id, trashed);
  }
  const json one = after.at(*new_ids.begin());
  const json two = after.at(*new_ids.rbegin());
  EXPECT_EQ(one["title"], "Created one");
  EXPECT_EQ(one["content"], "Hello\n\nWorld [gallery]");
  EXPECT_EQ(one["status"], "publish");
  EXPECT_EQ(one["slug"], "created-one");
  EXPECT_EQ(one["date_gmt"], "2024-02-02T02:02:02");
  EXPECT_EQ(one["categories"], json({2}));
  EXPECT_EQ(one["tags"], json({6}));
  EXPECT_EQ(one["sticky"], true);
  EXPECT_EQ(one["meta"], json({{"footnotes", ""}, {"reading_time", 3}}));
  EXPECT_EQ(one["author"], 1) << "the account's user";
  EXPECT_EQ(two["title"], "Created two");
  EXPECT_EQ(two["status"], "draft") << "WordPress's default";
  EXPECT_EQ(two["categories"], json({1})) << "WordPress's default category";

  // The snapshot: nothing left to publish; records carry what WordPress stored.
  const json table = user.get_ok(table_path(d.snapshot_id, d.table_id));
  EXPECT_EQ(table.value("dirty_count", -1), 0) << table.dump();
  EXPECT_TRUE(full_plan(user, d.snapshot_id)["operations"].empty());
  const json s1 = record(d, id_of(c1));
  EXPECT_EQ(s1["state"], "synced") << s1.dump();
  EXPECT_EQ(s1["remote_id"], std::to_string(*new_ids.begin()));
  EXPECT_EQ(s1["values"]["slug"], "created-one") << "computed by WordPress";
  EXPECT_EQ(s1["values"]["link"], "https://wp.example.test/2024/02/02/created-one/");
  const json s2 = record(d, id_of(c2));
  EXPECT_EQ(s2["values"]["categories"], json({1})) << s2.dump();
  EXPECT_EQ(s2["values"]["status"], "draft");
  EXPECT_EQ(record_for(d, id2)["values"]["date"], "2024-07-01T10:30:00Z");
  EXPECT_EQ(record_for(d, id1)["values"]["modified"], after.at(id1)["modified_gmt"].get<std::string>() + "Z");

  // Downloading again changes nothing anywhere; the trashed posts are gone from the listing.
  const json again = download(user, d.snapshot_id);
  ASSERT_EQ(again.value("state", ""), "succeeded") << again.dump();
  EXPECT_EQ(emu().state().dump(), state_after.dump());
  const json reloaded = all_records(user, d.snapshot_id, d.table_id);
  EXPECT_EQ(reloaded.size(), 1050u);
  EXPECT_TRUE(by_remote_id(reloaded, std::to_string(id10)).is_null());
  for (const auto& r : reloaded) {
    ASSERT_EQ(r["state"], "synced") << r.dump();
    ASSERT_TRUE(r["conflicts"].is_null() || r["conflicts"].empty()) << r.dump();
  }
}

// b. WordPress refuses one post's values (400 rest_invalid_param): only that record stays unpublished.
TEST_F(WordPressTest, APostWordPressRefusesFailsAloneWithItsMessage) {
  seed(30);
  emu().knobs({{"reject_values", {"REJECT-ME"}}});
  const std::string acc = account();
  const auto before = stored();
  const Downloaded d = download_table(user, acc, "posts");
  const json records = all_records(user, d.snapshot_id, d.table_id);
  ASSERT_EQ(records.size(), 30u);
  std::map<int, std::string> local;
  for (int i = 1; i <= 5; ++i) {
    local[i] = local_id(records, post_id(before, i));
    edit_record(user, d, local[i], {{"title", i == 3 ? "bad REJECT-ME" : "ok " + std::to_string(i)}});
  }
  create_record(user, d, {{"title", "new ok"}});
  const std::string bad_create = id_of(create_record(user, d, {{"title", "new"}, {"content", "REJECT-ME"}}));

  const json job = publish(user, d.snapshot_id);
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump();
  const json result = job["result"];
  EXPECT_EQ(result.value("status", ""), "completed_with_errors") << result.dump();
  EXPECT_EQ(failed_ids(result), (std::set<std::string>{local[3], bad_create})) << result.dump();
  EXPECT_EQ(succeeded_failed(result, "update"), json({{"succeeded", 4}, {"failed", 1}})) << result.dump();
  EXPECT_EQ(succeeded_failed(result, "create"), json({{"succeeded", 1}, {"failed", 1}})) << result.dump();

  const std::map<std::string, std::string> refused_param = {{local[3], "title"}, {bad_create, "content"}};
  for (const auto& [id, param] : refused_param) {
    const json r = record(d, id);
    ASSERT_TRUE(r["publish_error"].is_object()) << r.dump();
    EXPECT_EQ(r["publish_error"].value("code", ""), "invalid_value") << r.dump();
    EXPECT_EQ(r["publish_error"].value("retryable", true), false) << r.dump();
    const std::string message = r["publish_error"].value("message", "");
    EXPECT_NE(message.find("HTTP 400 rest_invalid_param: Invalid parameter(s): " + param), std::string::npos)
        << message;
    EXPECT_NE(message.find(param + ": " + param + " contains a value this site does not allow."),
              std::string::npos)
        << "data.params is quoted: " << message;
    EXPECT_NE(r["state"], "synced") << r.dump();
  }
  const auto after = stored();
  for (int i : {1, 2, 4, 5})
    EXPECT_EQ(after.at(post_id(before, i))["title"], "ok " + std::to_string(i));
  EXPECT_EQ(after.at(post_id(before, 3)).dump(), before.at(post_id(before, 3)).dump())
      << "the refused one is untouched";
  EXPECT_EQ(count_titled(after, "new ok"), 1);
  EXPECT_EQ(count_titled(after, "new"), 0);
  EXPECT_EQ(after.size(), 31u);
  EXPECT_EQ(user.get_ok(table_path(d.snapshot_id, d.table_id)).value("dirty_count", -1), 2);
}

// c. A 500 after WordPress carried out a create: that create is ambiguous and never sent again; an update
// answered with a 500 is resent by the next publish.
TEST_F(WordPressTest, ACreateAnsweredWith500IsNotSentAgain) {
  seed(20);
  const std::string acc = account();
  const auto before = stored();
  const Downloaded d = download_table(user, acc, "posts");
  const json records = all_records(user, d.snapshot_id, d.table_id);
  std::vector<std::string> creates;
  for (int n = 1; n <= 3; ++n)
    creates.push_back(id_of(create_record(user, d, {{"title", "Created " + std::to_string(n)}})));
  const long long edited_remote = post_id(before, 2);
  const std::string edited = local_id(records, edited_remote);
  edit_record(user, d, edited, {{"title", "Edited 2"}});

  // The second create request is carried out but answered 500; the first update is refused with a 500.
  emu().knobs({{"fail",
                {{{"nth", 2},
                  {"status", 500},
                  {"apply", true},
                  {"method", "POST"},
                  {"path", "^/wp-json/wp/v2/posts$"}},
                 {{"nth", 1},
                  {"status", 500},
                  {"apply", false},
                  {"method", "POST"},
                  {"path", "^/wp-json/wp/v2/posts/\\d+$"}}}}});
  emu().reset_log();
  const json first = publish(user, d.snapshot_id);
  ASSERT_EQ(first.value("state", ""), "succeeded") << first.dump();
  EXPECT_EQ(first["result"].value("status", ""), "completed_with_errors") << first.dump();
  const json log = emu().requests();
  ASSERT_EQ(log.size(), 4u) << log.dump();
  EXPECT_EQ(log[1]["outcome"], "fault_after_apply") << log.dump();
  EXPECT_EQ(log[3]["outcome"], "fault") << log.dump();
  for (int n = 1; n <= 3; ++n)
    EXPECT_EQ(count_titled(stored(), "Created " + std::to_string(n)), 1) << "applied once";
  const json ambiguous = record(d, creates[1]);
  EXPECT_TRUE(ambiguous.value("ambiguous_create", false)) << ambiguous.dump();
  EXPECT_EQ(ambiguous["publish_error"].value("code", ""), "outcome_unknown") << ambiguous.dump();
  EXPECT_NE(ambiguous["publish_error"].value("message", "").find("HTTP 500 internal_server_error"),
            std::string::npos)
      << ambiguous.dump();
  for (const int n : {0, 2})
    EXPECT_EQ(record(d, creates[n])["state"], "synced");
  EXPECT_EQ(stored().at(edited_remote)["title"], "Post 2");
  const json failed_update = record(d, edited);
  EXPECT_EQ(failed_update["publish_error"].value("code", ""), "connection_failed") << failed_update.dump();
  EXPECT_EQ(failed_update["publish_error"].value("retryable", false), true) << failed_update.dump();

  emu().knobs({{"fail", json::array()}});
  emu().reset_log();
  const json second = publish(user, d.snapshot_id);
  ASSERT_EQ(second.value("state", ""), "succeeded") << second.dump();
  EXPECT_EQ(count_requests("POST", kPostsPath), 0) << "the ambiguous create was not sent again";
  EXPECT_EQ(count_requests("POST", std::string(kPostsPath) + "/" + std::to_string(edited_remote)), 1);
  const auto state = stored();
  EXPECT_EQ(state.size(), 23u);
  for (int n = 1; n <= 3; ++n)
    EXPECT_EQ(count_titled(state, "Created " + std::to_string(n)), 1) << "no duplicate";
  EXPECT_EQ(state.at(edited_remote)["title"], "Edited 2") << "the update was resent";
  EXPECT_TRUE(record(d, creates[1]).value("ambiguous_create", false)) << "left for the user to resolve";
}

// d. The plugin keeps to the site's rate (the account's requests_per_second), and a 429 storm during a
// download is waited out.
TEST_F(WordPressTest, KeepsToTheRateLimitAndWaitsOutA429Storm) {
  seed(200);
  emu().knobs({{"rate_limit_per_second", 5}});
  // Only posts: config.post_types keeps list_tables to two requests.
  const std::string acc = account({{"requests_per_second", 4.5}, {"post_types", {"posts"}}});
  EXPECT_EQ(account_tables(user, acc)["tables"].size(), 1u);
  const auto before = stored();
  emu().reset_log();
  const Downloaded d = download_table(user, acc, "posts");
  const json records = all_records(user, d.snapshot_id, d.table_id);
  ASSERT_EQ(records.size(), 200u);
  for (int i = 1; i <= 8; ++i)
    edit_record(user, d, local_id(records, post_id(before, i)),
                {{"author", 1}, {"title", "Rate " + std::to_string(i)}});
  for (int n = 1; n <= 3; ++n)
    create_record(user, d, {{"title", "New " + std::to_string(n)}});
  delete_record(user, d, local_id(records, post_id(before, 20)));
  delete_record(user, d, local_id(records, post_id(before, 21)));
  const json job = publish(user, d.snapshot_id);
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump();
  EXPECT_EQ(job["result"].value("status", ""), "completed") << job.dump();
  const json stats = expect_rate_kept(5);
  EXPECT_GE(stats.value("requests", 0), 15) << stats.dump();
  EXPECT_EQ(stored().size(), 203u);

  expect_storm_waited_out(d, 201u);
}

// e. Credentials WordPress refuses: the check says so, naming the application password; a wrong site
// address is named too.
TEST_F(WordPressTest, BadCredentialsFailTheCheckClearly) {
  seed(1);
  const auto bad = check_account(user, account(json::object(), "wrong pass word"));
  const std::string message = expect_connector_error(bad, "auth_failed");
  EXPECT_NE(message.find("WordPress refused the username or application password"), std::string::npos)
      << message;
  EXPECT_NE(
      message.find("HTTP 401 incorrect_password: The provided password is an invalid application password."),
      std::string::npos)
      << message;
  EXPECT_NE(message.find("credentials.application_password"), std::string::npos) << message;
  EXPECT_EQ(message.find("wrong pass word"), std::string::npos) << "never echo the password";

  const auto unknown = check_account(user, account(json::object(), kPassword, "nobody"));
  EXPECT_NE(expect_connector_error(unknown, "auth_failed").find("invalid_username"), std::string::npos)
      << unknown.body;

  const auto wrong_site = check_account(user, account({{"site_url", emu().base_url() + "/blog"}}));
  const std::string ws_message = expect_connector_error(wrong_site, "not_found");
  EXPECT_NE(ws_message.find("rest_no_route"), std::string::npos) << wrong_site.body;
  EXPECT_NE(ws_message.find("config.site_url"), std::string::npos) << wrong_site.body;
}

// f. delete_mode "trash" moves a post to the trash, and deleting it again (WordPress: 410
// rest_already_trashed) counts as deleted; "force" removes it for good; a type without a trash fails the
// delete and says what to do.
TEST_F(WordPressTest, TrashAndForceDelete) {
  seed(20);
  const std::string trash_acc = account();
  const std::string force_acc = account({{"delete_mode", "force"}});
  const auto before = stored();
  const long long victim = post_id(before, 7), gone = post_id(before, 8);

  // Two snapshots of the same posts both delete one post.
  const Downloaded a = download_table(user, trash_acc, "posts");
  const Downloaded b = download_table(user, trash_acc, "posts");
  delete_record(user, a, local_id(all_records(user, a.snapshot_id, a.table_id), victim));
  const std::string b_victim = local_id(all_records(user, b.snapshot_id, b.table_id), victim);
  delete_record(user, b, b_victim);
  const json first = publish(user, a.snapshot_id);
  ASSERT_EQ(first.value("state", ""), "succeeded") << first.dump();
  EXPECT_EQ(first["result"].value("status", ""), "completed") << first.dump();
  json trashed = stored().at(victim);
  EXPECT_EQ(trashed["status"], "trash");
  EXPECT_EQ(trashed["slug"], "post-7__trashed");
  EXPECT_EQ(trashed["trash_meta_status"], "publish");

  emu().reset_log();
  const json second = publish(user, b.snapshot_id);
  ASSERT_EQ(second.value("state", ""), "succeeded") << second.dump();
  EXPECT_EQ(second["result"].value("status", ""), "completed")
      << "already in the trash counts as deleted: " << second.dump();
  EXPECT_EQ(succeeded_failed(second["result"], "delete"), json({{"succeeded", 1}, {"failed", 0}}));
  const json log = emu().requests();
  ASSERT_EQ(log.size(), 1u) << log.dump();
  EXPECT_EQ(log[0]["method"], "DELETE");
  EXPECT_EQ(log[0]["status"], 410) << log.dump();
  EXPECT_EQ(user.get(b.records + "/" + b_victim).status, 404) << "gone from the snapshot";
  EXPECT_EQ(stored().at(victim).dump(), trashed.dump()) << "the second delete changed nothing";

  // Force: the post is gone, not in the trash.
  const Downloaded c = download_table(user, force_acc, "posts");
  EXPECT_EQ(all_records(user, c.snapshot_id, c.table_id).size(), 19u) << "trashed posts are not listed";
  delete_record(user, c, local_id(all_records(user, c.snapshot_id, c.table_id), gone));
  emu().reset_log();
  const json forced = publish(user, c.snapshot_id);
  ASSERT_EQ(forced.value("state", ""), "succeeded") << forced.dump();
  EXPECT_EQ(forced["result"].value("status", ""), "completed") << forced.dump();
  EXPECT_EQ(count_requests("DELETE", std::string(kPostsPath) + "/" + std::to_string(gone)), 1);
  EXPECT_EQ(emu().requests()[0]["status"], 200);
  EXPECT_EQ(stored().count(gone), 0u) << "deleted permanently";

  // Books cannot be trashed on this site (501): the trash account's delete fails and says to use force.
  const auto books = stored("book");
  const long long book = books.begin()->first;
  const Downloaded e = download_table(user, trash_acc, "books");
  const std::string book_local = local_id(all_records(user, e.snapshot_id, e.table_id), book);
  delete_record(user, e, book_local);
  const json refused = publish(user, e.snapshot_id);
  ASSERT_EQ(refused.value("state", ""), "succeeded") << refused.dump();
  EXPECT_EQ(refused["result"].value("status", ""), "completed_with_errors") << refused.dump();
  const json r = record(e, book_local);
  EXPECT_EQ(r["publish_error"].value("code", ""), "unsupported") << r.dump();
  EXPECT_NE(r["publish_error"].value("message", "").find("rest_trash_not_supported"), std::string::npos)
      << r.dump();
  EXPECT_NE(r["publish_error"].value("message", "").find("config.delete_mode to \"force\""),
            std::string::npos)
      << r.dump();
  EXPECT_EQ(stored("book").at(book).dump(), books.at(book).dump());
}

// g. Content travels raw: a post whose raw content differs from the rendered HTML downloads raw, an edit of
// another field leaves it untouched, and an edit of the content writes the raw text as given.
TEST_F(WordPressTest, ContentRoundTripsRaw) {
  seed(10);
  const std::string acc = account();
  const auto before = stored();
  const long long id1 = post_id(before, 1), id2 = post_id(before, 2);
  const std::string raw1 = before.at(id1)["content"];
  ASSERT_NE(raw1.find("[gallery"), std::string::npos);
  HttpClient site(emu().base_url());
  const json rendered = site.get(std::string(kPostsPath) + "/" + std::to_string(id1)).json();
  const std::string html = rendered["content"]["rendered"];
  ASSERT_NE(html, raw1);
  ASSERT_NE(html.find("<p>"), std::string::npos) << html;

  const Downloaded d = download_table(user, acc, "posts");
  const json records = all_records(user, d.snapshot_id, d.table_id);
  EXPECT_EQ(by_remote_id(records, std::to_string(id1))["values"]["content"], raw1);
  EXPECT_EQ(by_remote_id(records, std::to_string(id2))["values"]["content"], before.at(id2)["content"])
      << "block markup kept as written";

  edit_record(user, d, local_id(records, id1), {{"title", "Only the title"}});
  const std::string new_raw =
      "Para one & more\n\n[gallery ids=\"3\"]\n\n<!-- wp:paragraph -->\n<p>x</p>\n<!-- /wp:paragraph -->";
  edit_record(user, d, local_id(records, id2), {{"content", new_raw}});
  emu().reset_log();
  const json job = publish(user, d.snapshot_id);
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump();
  EXPECT_EQ(job["result"].value("status", ""), "completed") << job.dump();

  const auto after = stored();
  EXPECT_EQ(after.at(id1)["title"], "Only the title");
  EXPECT_EQ(after.at(id1)["content"], raw1) << "untouched by an edit of another field";
  EXPECT_EQ(after.at(id2)["content"], new_raw) << "written raw, byte for byte";
  EXPECT_EQ(record_for(d, id2)["values"]["content"], new_raw);
  const json shown = site.get(std::string(kPostsPath) + "/" + std::to_string(id2)).json();
  EXPECT_NE(shown["content"]["rendered"].get<std::string>().find("<p>Para one & more</p>"), std::string::npos)
      << shown.dump();
}

}  // namespace
}  // namespace scratch::test

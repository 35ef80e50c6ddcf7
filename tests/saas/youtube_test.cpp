// The YouTube connector end to end: a real scratchd with build/plugins/youtube.so against the YouTube
// emulator (tests/emulators/youtube), everything through the product's HTTP API. The emulator's state is
// the truth about what reached "YouTube".
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "saas_fixture.hpp"
#include "snapshots/sync/sync_helpers.hpp"

namespace scratch::test {
namespace {

using namespace sync;

constexpr const char* kToken = "ya29.emulator-access-token-0123456789";
constexpr const char* kChannelId = "UCx9EmulatedChannel0001A";

class YouTubeTest : public SaasTest {
 protected:
  void start_emulator(int seed, const json& knobs = json::object()) { start_service("youtube", knobs, seed); }

  std::string account(const std::string& token = kToken, json config = json::object()) {
    config["base_url"] = emu().base_url() + "/youtube/v3";
    if (!config.contains("requests_per_second")) config["requests_per_second"] = 25;
    return create_account(user, "youtube", config, {{"access_token", token}});
  }

  // The stored videos by id, and seeded video i's id (1-based, oldest first: upload order).
  static std::map<std::string, json> by_id(const json& state) { return index_by(state["videos"]); }
  static std::string video_id(const json& state, int i) { return state["videos"][i - 1]["id"]; }

  // Requests in the emulator's log since the last reset, by "METHOD path".
  std::map<std::string, int> request_counts() const {
    std::map<std::string, int> out;
    for (const auto& r : emu().requests())
      ++out[r["method"].get<std::string>() + " " + r["path"].get<std::string>()];
    return out;
  }

  long quota_used() const { return emu().state()["quota"]["used"].get<long>(); }
};

// a. Account, check, schema mapping, a 1,050-video download over 21 pages, edits of every editable field,
// publish, and exactly those changes in YouTube.
TEST_F(YouTubeTest, FullRoundTripChangesExactlyWhatWasEdited) {
  start_emulator(1050);
  const std::string acc = account();
  ASSERT_FALSE(acc.empty());
  const auto checked = check_account(user, acc);
  ASSERT_EQ(checked.status, 200) << checked.body;
  EXPECT_NE(checked.body.find(kChannelId), std::string::npos) << checked.body;
  EXPECT_NE(checked.body.find("Scratch Emulated Channel"), std::string::npos) << checked.body;

  const json tables = account_tables(user, acc);
  ASSERT_EQ(tables["tables"].size(), 2u) << tables.dump();
  const json videos = find_table(tables, "videos");
  ASSERT_TRUE(videos.is_object()) << tables.dump();
  EXPECT_EQ(videos["read_only"], false);
  const std::map<std::string, std::pair<std::string, bool>> expected_types = {
      {"id", {"text", true}},
      {"title", {"text", false}},
      {"description", {"long_text", false}},
      {"tags", {"multi_select", false}},
      {"categoryId", {"text", false}},
      {"privacyStatus", {"single_select", false}},
      {"embeddable", {"boolean", false}},
      {"license", {"single_select", false}},
      {"publishAt", {"datetime", true}},
      {"publishedAt", {"datetime", true}},
      {"defaultLanguage", {"text", true}},
      {"duration", {"text", true}},
      {"madeForKids", {"boolean", true}},
      {"uploadStatus", {"text", true}},
      {"viewCount", {"number", true}},
      {"likeCount", {"number", true}},
      {"commentCount", {"number", true}},
      {"thumbnails", {"json", true}},
  };
  ASSERT_NO_FATAL_FAILURE(expect_field_types(videos, expected_types));
  for (const auto& f : videos["fields"]) {
    if (f["id"] == "privacyStatus") {
      EXPECT_EQ(f["options"], json({"public", "unlisted", "private"}));
    }
  }
  const json playlists = find_table(tables, "playlists");
  ASSERT_TRUE(playlists.is_object()) << tables.dump();
  EXPECT_EQ(playlists["read_only"], true);
  for (const auto& f : playlists["fields"])
    EXPECT_EQ(f["read_only"], true) << f.dump();

  const json before = emu().state();
  const auto before_by_id = by_id(before);
  const long quota_before = quota_used();
  emu().reset_log();
  const Downloaded d = download_table(user, acc, "videos");
  ASSERT_FALSE(d.table_id.empty());
  const json records = all_records(user, d.snapshot_id, d.table_id);
  ASSERT_EQ(records.size(), 1050u);
  auto counts = request_counts();
  EXPECT_EQ(counts["GET /youtube/v3/playlistItems"], 21) << "1,050 uploads in pages of 50";
  EXPECT_EQ(counts["GET /youtube/v3/videos"], 21) << "one videos.list per page";
  EXPECT_EQ(counts["GET /youtube/v3/channels"], 1) << "the uploads playlist travels in the cursor";
  EXPECT_EQ(quota_used() - quota_before, 43);

  // Values as downloaded, for every type.
  const json v1 = by_remote_id(records, video_id(before, 1))["values"];
  const json& s1 = before_by_id.at(video_id(before, 1));
  EXPECT_EQ(v1["title"], "Video 0001");
  EXPECT_EQ(v1["description"], s1["snippet"]["description"]);
  EXPECT_EQ(v1["tags"], json({"tag1", "scratch", "two words"}));
  EXPECT_EQ(v1["categoryId"], "10");
  EXPECT_EQ(v1["privacyStatus"], "unlisted");
  EXPECT_EQ(v1["embeddable"], true);
  EXPECT_EQ(v1["publishedAt"], "2020-01-01T07:00:00Z");
  EXPECT_EQ(v1["viewCount"], "9007199254740993") << "above 2^53: kept as a decimal string";
  EXPECT_EQ(v1["likeCount"], 31);
  EXPECT_EQ(v1["thumbnails"], s1["snippet"]["thumbnails"]);
  EXPECT_EQ(v1["duration"], "PT2M1S");
  EXPECT_TRUE(v1["defaultLanguage"].is_null());
  const json v5 = by_remote_id(records, video_id(before, 5))["values"];
  EXPECT_TRUE(v5["tags"].is_null()) << "no tags";
  EXPECT_EQ(v5["publishAt"], before_by_id.at(video_id(before, 5))["status"]["publishAt"]);
  EXPECT_EQ(by_remote_id(records, video_id(before, 4))["values"]["description"], "");
  EXPECT_TRUE(by_remote_id(records, video_id(before, 13))["values"]["likeCount"].is_null()) << "hidden";
  EXPECT_EQ(by_remote_id(records, video_id(before, 12))["values"]["defaultLanguage"], "en");

  // Edits across the editable fields.
  const std::string id1 = video_id(before, 1), id2 = video_id(before, 2), id3 = video_id(before, 3);
  const std::string id4 = video_id(before, 4), id6 = video_id(before, 6);
  edit_record(user, d, id_of(by_remote_id(records, id1)), {{"title", "Renamed 1"}});
  edit_record(user, d, id_of(by_remote_id(records, id2)),
              {{"description", "New\nmultiline description"}, {"tags", {"alpha", "beta gamma"}}});
  edit_record(user, d, id_of(by_remote_id(records, id3)),
              {{"categoryId", "10"}, {"privacyStatus", "unlisted"}});
  edit_record(user, d, id_of(by_remote_id(records, id4)),
              {{"embeddable", false}, {"license", "creativeCommon"}});
  edit_record(user, d, id_of(by_remote_id(records, id6)), {{"tags", json::array()}});

  const json plan = full_plan(user, d.snapshot_id);
  const json plan_counts = counts_for(plan, d.table_id);
  EXPECT_EQ(plan_counts.value("updates", -1), 5) << plan_counts.dump();
  EXPECT_EQ(plan_counts.value("creates", -1), 0) << plan_counts.dump();
  EXPECT_EQ(plan_counts.value("deletes", -1), 0) << plan_counts.dump();

  emu().reset_log();
  const long quota_mid = quota_used();
  const json job = publish(user, d.snapshot_id);
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump();
  EXPECT_EQ(job["result"].value("status", ""), "completed") << job.dump();
  counts = request_counts();
  EXPECT_EQ(counts["GET /youtube/v3/videos"], 1) << "one read for the whole batch";
  EXPECT_EQ(counts["PUT /youtube/v3/videos"], 5);
  EXPECT_EQ(emu().requests().size(), 6u);
  EXPECT_EQ(quota_used() - quota_mid, 1 + 5 * 50);

  // YouTube holds exactly the planned changes.
  const json after = emu().state();
  const auto after_by_id = by_id(after);
  ASSERT_EQ(after_by_id.size(), 1050u);
  ASSERT_TRUE(unchanged_except(before_by_id, after_by_id, {id1, id2, id3, id4, id6}, "video"));
  EXPECT_EQ(after["playlists"].dump(), before["playlists"].dump());
  json e1 = before_by_id.at(id1);
  e1["snippet"]["title"] = "Renamed 1";
  e1["snippet"]["localized"]["title"] = "Renamed 1";
  EXPECT_EQ(after_by_id.at(id1), e1);
  json e2 = before_by_id.at(id2);
  e2["snippet"]["description"] = "New\nmultiline description";
  e2["snippet"]["localized"]["description"] = "New\nmultiline description";
  e2["snippet"]["tags"] = {"alpha", "beta gamma"};
  EXPECT_EQ(after_by_id.at(id2), e2);
  json e3 = before_by_id.at(id3);
  e3["snippet"]["categoryId"] = "10";
  e3["status"]["privacyStatus"] = "unlisted";
  EXPECT_EQ(after_by_id.at(id3), e3);
  json e4 = before_by_id.at(id4);
  e4["status"]["embeddable"] = false;
  e4["status"]["license"] = "creativeCommon";
  EXPECT_EQ(after_by_id.at(id4), e4);
  json e6 = before_by_id.at(id6);
  e6["snippet"].erase("tags");
  EXPECT_EQ(after_by_id.at(id6), e6);

  // The snapshot: nothing left to publish; records carry what YouTube stored.
  const json table = user.get_ok(table_path(d.snapshot_id, d.table_id));
  EXPECT_EQ(table.value("dirty_count", -1), 0) << table.dump();
  EXPECT_TRUE(full_plan(user, d.snapshot_id)["operations"].empty());
  const json r2 = record_for(d, id2);
  EXPECT_EQ(r2["state"], "synced") << r2.dump();
  EXPECT_EQ(r2["values"]["tags"], json({"alpha", "beta gamma"}));
  EXPECT_EQ(r2["values"]["viewCount"], by_remote_id(records, id2)["values"]["viewCount"]);
  EXPECT_TRUE(record_for(d, id6)["values"]["tags"].is_null());

  // Downloading again changes nothing anywhere.
  const json again = download(user, d.snapshot_id);
  ASSERT_EQ(again.value("state", ""), "succeeded") << again.dump();
  json now = emu().state();
  now.erase("quota");
  json was = after;
  was.erase("quota");
  EXPECT_EQ(now.dump(), was.dump());
  const json reloaded = all_records(user, d.snapshot_id, d.table_id);
  EXPECT_EQ(reloaded.size(), 1050u);
  for (const auto& r : reloaded) {
    ASSERT_EQ(r["state"], "synced") << r.dump();
    ASSERT_TRUE(r["conflicts"].is_null() || r["conflicts"].empty()) << r.dump();
  }

  // The playlists table reads too (7 playlists in pages).
  const Downloaded p = download_table(user, acc, "playlists");
  const json lists = all_records(user, p.snapshot_id, p.table_id);
  ASSERT_EQ(lists.size(), 7u);
  const json pl1 = by_remote_id(lists, before["playlists"][0]["id"])["values"];
  EXPECT_EQ(pl1["title"], "Playlist 1");
  EXPECT_EQ(pl1["itemCount"], 525);
}

// f. videos.update replaces whole parts; a title edit must leave everything else exactly as it was.
TEST_F(YouTubeTest, ATitleOnlyUpdateKeepsEveryOtherProperty) {
  start_emulator(30);
  const std::string acc = account();
  const json before = emu().state();
  const auto before_by_id = by_id(before);
  const Downloaded d = download_table(user, acc, "videos");
  const json records = all_records(user, d.snapshot_id, d.table_id);
  ASSERT_EQ(records.size(), 30u);
  // 6: tags, description, defaultLanguage, defaultAudioLanguage, selfDeclaredMadeForKids. 5: private and
  // scheduled (publishAt). 9: not embeddable. 8: Creative Commons.
  const std::vector<int> picked = {5, 6, 8, 9, 24};
  for (int i : picked)
    edit_record(user, d, id_of(by_remote_id(records, video_id(before, i))),
                {{"title", "Only title " + std::to_string(i)}});
  const json job = publish(user, d.snapshot_id);
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump();
  EXPECT_EQ(job["result"].value("status", ""), "completed") << job.dump();

  const auto after = by_id(emu().state());
  for (int i : picked) {
    const std::string id = video_id(before, i);
    json expected = before_by_id.at(id);
    expected["snippet"]["title"] = "Only title " + std::to_string(i);
    expected["snippet"]["localized"]["title"] = "Only title " + std::to_string(i);
    EXPECT_EQ(after.at(id), expected) << "video " << i;
  }
  EXPECT_TRUE(after.at(video_id(before, 5))["status"].contains("publishAt"));
  EXPECT_EQ(after.at(video_id(before, 6))["snippet"]["defaultLanguage"], "en");

  // The emulator really replaces: a bare PUT (title and categoryId only) clears the rest. Without this the
  // assertions above could not fail.
  const std::string id7 = video_id(before, 7);
  HttpClient direct(emu().base_url());
  const auto put = direct.request(
      "PUT", "/youtube/v3/videos?part=snippet",
      json({{"id", id7}, {"snippet", {{"title", "Bare"}, {"categoryId", "22"}}}}).dump(),
      {{"Authorization", std::string("Bearer ") + kToken}, {"Content-Type", "application/json"}});
  ASSERT_EQ(put.status, 200) << put.body;
  const json bare = by_id(emu().state()).at(id7);
  EXPECT_EQ(bare["snippet"]["description"], "");
  EXPECT_NE(before_by_id.at(id7)["snippet"]["description"], "");
}

// b. YouTube refuses one video's metadata; only that record stays unpublished, with YouTube's message.
TEST_F(YouTubeTest, AVideoYouTubeRefusesFailsAloneWithYouTubesMessage) {
  start_emulator(30, {{"reject_values", {"REJECT-ME"}}});
  const std::string acc = account();
  const json before = emu().state();
  const Downloaded d = download_table(user, acc, "videos");
  const json records = all_records(user, d.snapshot_id, d.table_id);
  std::map<int, std::string> local;
  for (int i = 1; i <= 5; ++i) {
    local[i] = id_of(by_remote_id(records, video_id(before, i)));
    edit_record(user, d, local[i], {{"title", i == 3 ? "bad REJECT-ME" : "ok " + std::to_string(i)}});
  }
  const json job = publish(user, d.snapshot_id);
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump();
  const json result = job["result"];
  EXPECT_EQ(result.value("status", ""), "completed_with_errors") << result.dump();
  EXPECT_EQ(failed_ids(result), std::set<std::string>{local[3]}) << result.dump();
  EXPECT_EQ(succeeded_failed(result, "update"), json({{"succeeded", 4}, {"failed", 1}})) << result.dump();

  const json r = user.get_ok(records_path(d.snapshot_id, d.table_id) + "/" + local[3]);
  ASSERT_TRUE(r["publish_error"].is_object()) << r.dump();
  EXPECT_EQ(r["publish_error"].value("code", ""), "invalid_value") << r.dump();
  const std::string message = r["publish_error"].value("message", "");
  EXPECT_NE(message.find("400 invalidTitle"), std::string::npos) << message;
  EXPECT_NE(message.find("The request metadata specifies an invalid or empty video title."),
            std::string::npos)
      << message;
  EXPECT_EQ(r["state"], "edited") << r.dump();

  const auto after = by_id(emu().state());
  for (int i : {1, 2, 4, 5})
    EXPECT_EQ(after.at(video_id(before, i))["snippet"]["title"], "ok " + std::to_string(i));
  EXPECT_EQ(after.at(video_id(before, 3)).dump(), before["videos"][2].dump())
      << "the refused one is untouched";
  EXPECT_EQ(user.get_ok(table_path(d.snapshot_id, d.table_id)).value("dirty_count", -1), 1);
}

// c. A 500 after YouTube carried out an update: the op fails retryably, and the next publish sends it
// once more and it lands (an update is safe to resend; nothing is duplicated).
TEST_F(YouTubeTest, AnUpdateAnsweredWith500IsResentByTheNextPublish) {
  start_emulator(20);
  const std::string acc = account();
  const json before = emu().state();
  const Downloaded d = download_table(user, acc, "videos");
  const json records = all_records(user, d.snapshot_id, d.table_id);
  std::map<int, std::string> local;
  for (int i = 1; i <= 3; ++i) {
    local[i] = id_of(by_remote_id(records, video_id(before, i)));
    edit_record(user, d, local[i], {{"title", "Edited " + std::to_string(i)}});
  }
  // The second PUT of the publish is carried out, then answered 500.
  emu().knobs({{"fail", {{{"nth", 2}, {"status", 500}, {"apply", true}, {"method", "PUT"}}}}});
  emu().reset_log();
  const json first = publish(user, d.snapshot_id);
  ASSERT_EQ(first.value("state", ""), "succeeded") << first.dump();
  EXPECT_EQ(first["result"].value("status", ""), "completed_with_errors") << first.dump();
  const std::set<std::string> failed_records = failed_ids(first["result"]);
  ASSERT_EQ(failed_records.size(), 1u) << first.dump();
  const json failed = user.get_ok(records_path(d.snapshot_id, d.table_id) + "/" + *failed_records.begin());
  ASSERT_TRUE(failed["publish_error"].is_object()) << failed.dump();
  EXPECT_EQ(failed["publish_error"].value("retryable", false), true) << failed.dump();
  EXPECT_EQ(failed["publish_error"].value("code", ""), "connection_failed") << failed.dump();
  EXPECT_EQ(failed["state"], "edited") << failed.dump();
  const std::string failed_remote = str(failed["remote_id"]);
  EXPECT_EQ(by_id(emu().state()).at(failed_remote)["snippet"]["title"], failed["values"]["title"])
      << "it was applied although the answer was a 500";
  EXPECT_EQ(request_counts()["PUT /youtube/v3/videos"], 3);

  emu().knobs({{"fail", json::array()}});
  emu().reset_log();
  const json second = publish(user, d.snapshot_id);
  ASSERT_EQ(second.value("state", ""), "succeeded") << second.dump();
  EXPECT_EQ(second["result"].value("status", ""), "completed") << second.dump();
  EXPECT_EQ(request_counts()["PUT /youtube/v3/videos"], 1) << "only the failed update is sent again";
  EXPECT_EQ(user.get_ok(records_path(d.snapshot_id, d.table_id) + "/" + *failed_records.begin())["state"],
            "synced");
  const auto after = by_id(emu().state());
  for (int i = 1; i <= 3; ++i) {
    json expected = before["videos"][i - 1];
    expected["snippet"]["title"] = "Edited " + std::to_string(i);
    expected["snippet"]["localized"]["title"] = "Edited " + std::to_string(i);
    EXPECT_EQ(after.at(video_id(before, i)), expected);
  }
  EXPECT_EQ(after.size(), 20u);
  EXPECT_EQ(user.get_ok(table_path(d.snapshot_id, d.table_id)).value("dirty_count", -1), 0);
}

// d. The account's rate keeps a download and a publish under the service's limit, and a 429 storm during
// a download is waited out.
TEST_F(YouTubeTest, KeepsToTheRateLimitAndWaitsOutA429Storm) {
  start_emulator(200, {{"rate_limit_per_second", 5}});
  const std::string acc = account(kToken, {{"requests_per_second", 4.5}});
  const json before = emu().state();
  emu().reset_log();
  const Downloaded d = download_table(user, acc, "videos");
  const json records = all_records(user, d.snapshot_id, d.table_id);
  ASSERT_EQ(records.size(), 200u);
  for (int i = 1; i <= 8; ++i)
    edit_record(user, d, id_of(by_remote_id(records, video_id(before, i))),
                {{"title", "Rate " + std::to_string(i)}});
  const json job = publish(user, d.snapshot_id);
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump();
  EXPECT_EQ(job["result"].value("status", ""), "completed") << job.dump();
  const json stats = expect_rate_kept(5);
  EXPECT_EQ(stats.value("requests", 0), 9 + 9) << stats.dump();

  expect_storm_waited_out(d, 200u);
}

// e. A token YouTube refuses: the check says so, naming the service and what to fix; a channel id that
// does not exist is named too.
TEST_F(YouTubeTest, ABadTokenFailsTheCheckClearly) {
  start_emulator(1);
  const auto bad = check_account(user, account("ya29.wrong-token"));
  const std::string message = expect_connector_error(bad, "auth_failed");
  EXPECT_NE(message.find("YouTube refused the OAuth access token"), std::string::npos) << message;
  EXPECT_NE(message.find("401 authError"), std::string::npos) << message;
  EXPECT_NE(message.find("access_token"), std::string::npos) << message;
  EXPECT_EQ(message.find("wrong-token"), std::string::npos) << "never echo the token";

  const auto unknown = check_account(user, account(kToken, {{"channel_id", "UCnoSuchChannel000000000"}}));
  EXPECT_NE(expect_connector_error(unknown, "not_found").find("UCnoSuchChannel000000000"), std::string::npos);
}

// g. Quota: the core refuses a publish whose planned cost does not fit the account's daily units before
// anything is sent; and when YouTube itself says the quota is spent mid-publish, the rest stops cleanly.
TEST_F(YouTubeTest, APublishOverTheDailyQuotaIsRefusedBeforeAnyUpdate) {
  start_emulator(20);
  const std::string acc = account(kToken, {{"daily_quota_units", 100}});
  const json before = emu().state();
  const Downloaded d = download_table(user, acc, "videos");
  const json records = all_records(user, d.snapshot_id, d.table_id);
  for (int i = 1; i <= 3; ++i)
    edit_record(user, d, id_of(by_remote_id(records, video_id(before, i))),
                {{"title", "Over " + std::to_string(i)}});
  const std::string quota_path = "/api/v1/connector-accounts/" + acc + "/quota";
  const json ledger = user.get_ok(quota_path);
  EXPECT_EQ(ledger["quota"]["daily_units"], 100) << ledger.dump();
  EXPECT_EQ(ledger["quota"]["timezone"], "America/Los_Angeles") << ledger.dump();
  EXPECT_LT(ledger["quota"]["used"].get<double>(), 10) << ledger.dump();
  emu().reset_log();
  const json job = publish(user, d.snapshot_id);
  EXPECT_EQ(job.value("state", ""), "failed") << job.dump();
  EXPECT_EQ(job["error"].value("code", ""), "quota_exceeded") << job.dump();
  EXPECT_EQ(request_counts()["PUT /youtube/v3/videos"], 0) << emu().requests().dump();
  EXPECT_EQ(emu().state()["videos"].dump(), before["videos"].dump());
  EXPECT_EQ(user.get_ok(quota_path)["quota"]["used"], ledger["quota"]["used"]) << "nothing spent";
}

TEST_F(YouTubeTest, YouTubesOwnQuotaExceededStopsThePublishCleanly) {
  start_emulator(20);
  const std::string acc = account();
  const json before = emu().state();
  const Downloaded d = download_table(user, acc, "videos");
  const json records = all_records(user, d.snapshot_id, d.table_id);
  std::map<int, std::string> local;
  for (int i = 1; i <= 5; ++i) {
    local[i] = id_of(by_remote_id(records, video_id(before, i)));
    edit_record(user, d, local[i], {{"title", "Quota " + std::to_string(i)}});
  }
  // Another app shares the project: YouTube has room for the read and two updates only.
  emu().knobs({{"daily_quota", quota_used() + 1 + 2 * 50}});
  emu().reset_log();
  const json job = publish(user, d.snapshot_id);
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump();
  const json result = job["result"];
  EXPECT_EQ(result.value("status", ""), "completed_with_errors") << result.dump();
  EXPECT_EQ(succeeded_failed(result, "update"), json({{"succeeded", 2}, {"failed", 3}})) << result.dump();
  for (const auto& f : result["failures"]) {
    EXPECT_EQ(f["error"].value("code", ""), "quota_exceeded") << f.dump();
    EXPECT_EQ(f["error"].value("retryable", true), false) << f.dump();
    EXPECT_NE(f["error"].value("message", "").find("midnight Pacific time"), std::string::npos) << f.dump();
  }
  // The read, two updates, the refused third; nothing after it.
  const json log = emu().requests();
  ASSERT_EQ(log.size(), 4u) << log.dump();
  EXPECT_EQ(log[3]["method"], "PUT");
  EXPECT_EQ(log[3]["status"], 403);
  const auto after = by_id(emu().state());
  int landed = 0;
  for (int i = 1; i <= 5; ++i)
    if (after.at(video_id(before, i))["snippet"]["title"] == "Quota " + std::to_string(i)) ++landed;
  EXPECT_EQ(landed, 2);
  EXPECT_EQ(user.get_ok(table_path(d.snapshot_id, d.table_id)).value("dirty_count", -1), 3);
}

}  // namespace
}  // namespace scratch::test

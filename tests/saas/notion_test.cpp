// The Notion connector end to end: a real scratchd with plugins/notion against the Notion emulator
// (tests/emulators/notion), all through Scratch's HTTP API. The emulator's state is the proof of what reached
// "Notion": the tests compare it before and after.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "saas_fixture.hpp"
#include "snapshots/sync/sync_helpers.hpp"

namespace scratch::test {
namespace {

using namespace sync;

constexpr const char* kToken = "ntn_emulator_token";  // the emulator's default knob "token"

class Notion : public SaasTest {
 protected:
  void SetUp() override {
    SaasTest::SetUp();
    if (HasFatalFailure()) return;
    start_service("notion");
  }

  // Seeds `tasks` pages into Tasks (and the Projects and unshared Private databases); returns Tasks' id.
  std::string seed(int tasks) { return emu().seed({{"count", tasks}}).at("database_id"); }

  std::string account(const std::string& token = kToken, const json& database_ids = json::array()) {
    return create_account(user, "notion",
                          {{"base_url", emu().base_url() + "/v1"}, {"database_ids", database_ids}},
                          {{"token", token}});
  }

  // Pages of one database in the emulator's state, by page id.
  static std::map<std::string, json> pages_of(const json& state, const std::string& database_id) {
    std::map<std::string, json> out;
    for (const auto& [id, page] : state.at("pages").items())
      if (page.value("database_id", "") == database_id) out[id] = page;
    return out;
  }
  // Tasks pages by their unique id number (TASK-n), the seed's own numbering.
  static std::map<int, json> tasks_by_number(const json& state, const std::string& database_id) {
    std::map<int, json> out;
    for (const auto& [id, page] : pages_of(state, database_id))
      out[page["properties"]["Task ID"]["unique_id"]["number"].get<int>()] = page;
    return out;
  }
  static std::string title_of(const json& page) {
    std::string out;
    for (const auto& t : page["properties"]["Name"]["title"])
      out += t.value("plain_text", "");
    return out;
  }
  static int count_titled(const json& state, const std::string& database_id, const std::string& title) {
    int n = 0;
    for (const auto& [id, page] : pages_of(state, database_id))
      if (title_of(page) == title) ++n;
    return n;
  }
  // A rich-text item exactly as Notion stores it.
  static json text(const std::string& content, const json& annotations = json::object(),
                   const json& link = nullptr) {
    json a = {{"bold", false},      {"italic", false}, {"strikethrough", false},
              {"underline", false}, {"code", false},   {"color", "default"}};
    a.update(annotations);
    return {{"type", "text"},
            {"text", {{"content", content}, {"link", link.is_null() ? json() : json{{"url", link}}}}},
            {"annotations", a},
            {"plain_text", content},
            {"href", link}};
  }
  // Field ids by property name, from a list_tables table.
  static std::map<std::string, std::string> field_ids(const json& table) {
    std::map<std::string, std::string> out;
    for (const auto& f : table.at("fields"))
      out[f.at("name").get<std::string>()] = f.at("id").get<std::string>();
    return out;
  }
  static json record_for(const json& records, const std::string& page_id) {
    for (const auto& r : records)
      if (r["remote_id"] == page_id) return r;
    ADD_FAILURE() << "no record for page " << page_id;
    return json::object();
  }
};

TEST_F(Notion, FullRoundTripChangesExactlyWhatWasPlanned) {
  const std::string tasks_db = seed(1050);
  const std::string acc = account();

  const HttpResponse check = check_account(user, acc);
  ASSERT_EQ(check.status, 200) << check.body;
  EXPECT_NE(check.json().value("message", "").find("Scratch Emulator Bot"), std::string::npos) << check.body;

  // Tables: the shared databases only, every property type mapped.
  const json tables = account_tables(user, acc);
  ASSERT_EQ(tables["tables"].size(), 2u) << tables.dump();  // Tasks and Projects; Private is not shared
  const json tasks = find_table(tables, tasks_db);
  ASSERT_TRUE(tasks.is_object()) << tables.dump();
  EXPECT_EQ(tasks.value("name", ""), "Tasks");
  const std::map<std::string, std::pair<std::string, bool>> expected_types = {
      {"Name", {"text", false}},
      {"Notes", {"long_text", false}},
      {"Estimate", {"number", false}},
      {"Priority", {"single_select", false}},
      {"Tags", {"multi_select", false}},
      {"Status", {"single_select", false}},
      {"Due", {"date", false}},
      {"Owner", {"json", false}},
      {"Attachments", {"json", false}},
      {"Done", {"boolean", false}},
      {"Website", {"url", false}},
      {"Contact", {"email", false}},
      {"Phone", {"text", false}},
      {"Projects", {"link", false}},
      {"Score", {"json", true}},
      {"Project count", {"json", true}},
      {"Created", {"datetime", true}},
      {"Created by", {"json", true}},
      {"Last edited", {"datetime", true}},
      {"Last edited by", {"json", true}},
      {"Task ID", {"text", true}},
  };
  ASSERT_EQ(tasks["fields"].size(), expected_types.size()) << tasks.dump();
  EXPECT_EQ(tasks["fields"][0].value("name", ""), "Name") << "the title comes first";
  for (const auto& f : tasks["fields"]) {
    const auto it = expected_types.find(f.value("name", ""));
    ASSERT_NE(it, expected_types.end()) << f.dump();
    EXPECT_EQ(f.value("type", ""), it->second.first) << f.dump();
    EXPECT_EQ(f.value("read_only", false), it->second.second) << f.dump();
  }
  const auto fid = field_ids(tasks);
  EXPECT_EQ(fid.at("Name"), "title");
  EXPECT_EQ(fid.at("Notes"), "N%3Bts") << "fields are keyed by property id";
  for (const auto& f : tasks["fields"]) {
    if (f["name"] == "Priority") {
      EXPECT_EQ(f["options"], json({"High", "Medium", "Low"}));
    }
    if (f["name"] == "Status") {
      EXPECT_EQ(f["options"], json({"Not started", "In progress", "Done"}));
    }
  }

  const json before = emu().state();
  const auto task = tasks_by_number(before, tasks_db);
  ASSERT_EQ(task.size(), 1050u);
  std::vector<std::string> project_ids;
  for (const auto& [db_id, db] : before["databases"].items())
    if (db["title"] == "Projects")
      for (const auto& [id, page] : pages_of(before, db_id))
        project_ids.push_back(id);
  ASSERT_EQ(project_ids.size(), 30u);

  // Download: 11 pages of Notion's query, every type decoded.
  const Downloaded d = download_table(user, acc, tasks_db);
  const json records = all_records(user, d.snapshot_id, d.table_id);
  ASSERT_EQ(records.size(), 1050u);
  const json r2 = record_for(records, task.at(2)["id"])["values"];
  EXPECT_EQ(r2[fid.at("Notes")],
            "See [the docs](https://example.com/docs/2) and ***this***, `run()` ~~old~~ in red");
  EXPECT_EQ(r2[fid.at("Task ID")], "TASK-2");
  EXPECT_EQ(r2[fid.at("Due")], "2024-03-03T10:30:00.000+00:00");
  EXPECT_EQ(r2[fid.at("Score")], 4);
  EXPECT_EQ(r2[fid.at("Done")], true);
  const json r3 = record_for(records, task.at(3)["id"])["values"];
  EXPECT_EQ(r3[fid.at("Notes")], "Plain note 3 with \\*stars\\*, \\[brackets\\] and snake_case")
      << "plain text that would read as Markdown is escaped";
  EXPECT_EQ(r3[fid.at("Due")], json({{"start", "2024-04-04"}, {"end", "2025-04-04"}, {"time_zone", nullptr}}))
      << "a range keeps Notion's whole date object";
  EXPECT_EQ(r3[fid.at("Estimate")], 4.5);
  EXPECT_TRUE(r3[fid.at("Website")].is_null());
  const json r10 = record_for(records, task.at(10)["id"])["values"];
  EXPECT_EQ(r10[fid.at("Name")], "Task **10**");
  EXPECT_EQ(r10[fid.at("Tags")], json({"beta", "delta"}));
  EXPECT_TRUE(r10[fid.at("Priority")].is_null()) << r10.dump();
  EXPECT_EQ(record_for(records, task.at(1)["id"])["values"][fid.at("Priority")], "Medium");
  const json r100 = record_for(records, task.at(100)["id"])["values"];
  EXPECT_EQ(r100[fid.at("Projects")].size(), 30u) << "a relation truncated at 25 is fetched whole";
  EXPECT_EQ(r100[fid.at("Project count")]["number"], 30);
  const json r97 = record_for(records, task.at(97)["id"])["values"];
  EXPECT_TRUE(r97[fid.at("Name")].is_null()) << "an untitled page";
  EXPECT_EQ(r97[fid.at("Phone")], "+1 555 0197");

  // Edits of several types, two creates, two deletes.
  const auto rid = [&](int n) { return id_of(record_for(records, task.at(n)["id"])); };
  edit_record(user, d, rid(2),
              {{fid.at("Notes"), "Rewritten **bold** and [a link](https://example.org/x)"},
               {fid.at("Estimate"), 42}});
  edit_record(user, d, rid(3),
              {{fid.at("Priority"), "Low"}, {fid.at("Tags"), {"beta", "delta"}}, {fid.at("Done"), true}});
  edit_record(user, d, rid(4),
              {{fid.at("Due"), "2025-06-30"},
               {fid.at("Name"), "Task four"},
               {fid.at("Website"), "https://example.org/four"}});
  edit_record(user, d, rid(5),
              {{fid.at("Projects"), {project_ids[0], project_ids[1]}},
               {fid.at("Owner"), {before["users"][1]["id"]}},
               {fid.at("Status"), "Not started"},
               {fid.at("Contact"), nullptr}});
  const std::string long_text = std::string(2100, 'x') + " **tail**";
  const std::string c1 = id_of(create_record(user, d,
                                             {{fid.at("Name"), "Created one"},
                                              {fid.at("Estimate"), 7},
                                              {fid.at("Tags"), {"alpha"}},
                                              {fid.at("Status"), "In progress"}}));
  const std::string c2 = id_of(create_record(user, d,
                                             {{fid.at("Name"), "Created two"},
                                              {fid.at("Due"), "2026-01-02"},
                                              {fid.at("Done"), true},
                                              {fid.at("Notes"), long_text}}));
  delete_record(user, d, rid(6));
  delete_record(user, d, rid(7));

  const json plan = full_plan(user, d.snapshot_id);
  const json counts = counts_for(plan, d.table_id);
  EXPECT_EQ(counts.value("creates", -1), 2) << plan.dump();
  EXPECT_EQ(counts.value("updates", -1), 4) << plan.dump();
  EXPECT_EQ(counts.value("deletes", -1), 2) << plan.dump();

  const json job = publish(user, d.snapshot_id);
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump();
  EXPECT_EQ(job["result"].value("status", ""), "completed") << job.dump();
  EXPECT_EQ(succeeded_failed(job["result"], "create"), json({{"succeeded", 2}, {"failed", 0}})) << job.dump();
  EXPECT_EQ(succeeded_failed(job["result"], "update"), json({{"succeeded", 4}, {"failed", 0}})) << job.dump();
  EXPECT_EQ(succeeded_failed(job["result"], "delete"), json({{"succeeded", 2}, {"failed", 0}})) << job.dump();

  // The emulator: exactly the planned changes, nothing else.
  const json after = emu().state();
  const auto after_pages = pages_of(after, tasks_db);
  EXPECT_EQ(after_pages.size(), 1052u);
  const std::map<int, std::set<std::string>> edited = {
      {2, {"Notes", "Estimate", "Score"}},  // Score is Estimate * 2
      {3, {"Priority", "Tags", "Done"}},
      {4, {"Due", "Name", "Website"}},
      {5, {"Projects", "Owner", "Status", "Contact", "Project count"}},
      {6, {}},
      {7, {}},
  };
  for (const auto& [n, page] : task) {
    const std::string id = page["id"];
    ASSERT_TRUE(after_pages.count(id)) << id;
    const json& now = after_pages.at(id);
    const auto it = edited.find(n);
    if (it == edited.end()) {
      EXPECT_EQ(now, page) << "task " << n << " was not to be touched";
      continue;
    }
    EXPECT_EQ(now["archived"], n == 6 || n == 7) << n;
    for (const auto& [name, value] : page["properties"].items()) {
      if (it->second.count(name) || name == "Last edited" || name == "Last edited by") continue;
      EXPECT_EQ(now["properties"][name], value) << "task " << n << " property " << name;
    }
    for (const char* key : {"created_time", "created_by", "parent", "database_id"})
      EXPECT_EQ(now[key], page[key]) << n << " " << key;
  }
  const auto prop = [&](int n, const std::string& name) {
    const json& p = after_pages.at(task.at(n)["id"])["properties"][name];
    return p[p["type"].get<std::string>()];
  };
  EXPECT_EQ(prop(2, "Notes"), json({text("Rewritten "), text("bold", {{"bold", true}}), text(" and "),
                                    text("a link", json::object(), "https://example.org/x")}));
  EXPECT_EQ(prop(2, "Estimate"), 42);
  EXPECT_EQ(prop(2, "Score")["number"], 84);
  EXPECT_EQ(prop(3, "Priority")["name"], "Low");
  EXPECT_EQ(prop(3, "Tags").size(), 2u);
  EXPECT_EQ(prop(3, "Tags")[0]["name"], "beta");
  EXPECT_EQ(prop(3, "Tags")[1]["name"], "delta");
  EXPECT_EQ(prop(3, "Done"), true);
  EXPECT_EQ(prop(4, "Due"), json({{"start", "2025-06-30"}, {"end", nullptr}, {"time_zone", nullptr}}));
  EXPECT_EQ(prop(4, "Name"), json({text("Task four")}));
  EXPECT_EQ(prop(4, "Website"), "https://example.org/four");
  EXPECT_EQ(prop(5, "Projects"), json({{{"id", project_ids[0]}}, {{"id", project_ids[1]}}}));
  EXPECT_EQ(prop(5, "Owner"), json({{{"object", "user"}, {"id", before["users"][1]["id"]}}}));
  EXPECT_EQ(prop(5, "Status")["name"], "Not started");
  EXPECT_TRUE(prop(5, "Contact").is_null());

  // The two creates, once each, with what was given (long text split at Notion's 2000 characters).
  std::map<std::string, json> created;
  for (const auto& [id, page] : after_pages)
    if (!task.count(page["properties"]["Task ID"]["unique_id"]["number"].get<int>()))
      created[title_of(page)] = page;
  ASSERT_EQ(created.size(), 2u);
  const json& one = created.at("Created one")["properties"];
  EXPECT_EQ(one["Estimate"]["number"], 7);
  EXPECT_EQ(one["Tags"]["multi_select"][0]["name"], "alpha");
  EXPECT_EQ(one["Status"]["status"]["name"], "In progress");
  EXPECT_EQ(one["Notes"]["rich_text"], json::array());
  const json& two = created.at("Created two")["properties"];
  EXPECT_EQ(two["Due"]["date"]["start"], "2026-01-02");
  EXPECT_EQ(two["Done"]["checkbox"], true);
  EXPECT_EQ(two["Notes"]["rich_text"], json({text(std::string(2000, 'x')), text(std::string(100, 'x') + " "),
                                             text("tail", {{"bold", true}})}));

  // The snapshot: nothing left to publish; the creates have their page ids and Notion's values.
  EXPECT_EQ(user.get_ok(table_path(d.snapshot_id, d.table_id)).value("dirty_count", -1), 0);
  EXPECT_TRUE(full_plan(user, d.snapshot_id)["operations"].empty());
  const json created_one = user.get_ok(record_path(d.snapshot_id, d.table_id, c1));
  EXPECT_EQ(created_one.value("state", ""), "synced") << created_one.dump();
  EXPECT_EQ(created_one["remote_id"], created.at("Created one")["id"]);
  EXPECT_EQ(created_one["values"][fid.at("Task ID")], "TASK-1051") << created_one.dump();
  const json created_two = user.get_ok(record_path(d.snapshot_id, d.table_id, c2));
  EXPECT_EQ(created_two["values"][fid.at("Notes")], long_text) << created_two.dump();
}

TEST_F(Notion, AValidationErrorFailsOnlyThatPageWithNotionsMessage) {
  const std::string tasks_db = seed(40);
  emu().knobs({{"reject_values", {"REJECT-ME"}}});
  const std::string acc = account();
  const auto fid = field_ids(find_table(account_tables(user, acc), tasks_db));
  const Downloaded d = download_table(user, acc, tasks_db);
  const json records = all_records(user, d.snapshot_id, d.table_id);
  const json before = emu().state();
  const auto task = tasks_by_number(before, tasks_db);

  const auto rid = [&](int n) { return id_of(record_for(records, task.at(n)["id"])); };
  edit_record(user, d, rid(11), {{fid.at("Notes"), "fine eleven"}});
  edit_record(user, d, rid(12),
              {{fid.at("Notes"), "this one has REJECT-ME inside"}, {fid.at("Estimate"), 1}});
  edit_record(user, d, rid(13), {{fid.at("Notes"), "fine thirteen"}});

  const json job = publish(user, d.snapshot_id);
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump();
  EXPECT_EQ(job["result"].value("status", ""), "completed_with_errors") << job.dump();
  EXPECT_EQ(succeeded_failed(job["result"], "update"), json({{"succeeded", 2}, {"failed", 1}})) << job.dump();

  const json bad = user.get_ok(record_path(d.snapshot_id, d.table_id, rid(12)));
  ASSERT_TRUE(bad["publish_error"].is_object()) << bad.dump();
  EXPECT_EQ(bad["publish_error"].value("code", ""), "invalid_value") << bad.dump();
  const std::string message = bad["publish_error"].value("message", "");
  EXPECT_NE(message.find("validation_error"), std::string::npos) << message;
  EXPECT_NE(message.find("REJECT-ME"), std::string::npos) << message;
  EXPECT_NE(bad.value("state", ""), "synced");

  const auto after = tasks_by_number(emu().state(), tasks_db);
  EXPECT_EQ(after.at(12), task.at(12)) << "a refused page keeps all of its values";
  EXPECT_EQ(after.at(11)["properties"]["Notes"]["rich_text"], json({text("fine eleven")}));
  EXPECT_EQ(after.at(13)["properties"]["Notes"]["rich_text"], json({text("fine thirteen")}));
  for (const auto& [n, page] : task) {
    if (n != 11 && n != 13) {
      EXPECT_EQ(after.at(n), page) << n;
    }
  }
}

TEST_F(Notion, ACreateAnswered5xxIsNeverSentAgain) {
  const std::string tasks_db = seed(30);
  const std::string acc = account();
  const auto fid = field_ids(find_table(account_tables(user, acc), tasks_db));
  const Downloaded d = download_table(user, acc, tasks_db);
  const std::string local = id_of(create_record(user, d, {{fid.at("Name"), "Maybe created"}}));

  // Every POST /v1/pages is carried out, and then answered 500 (the counter is global, so cover them all).
  json faults = json::array();
  for (int n = 1; n <= 200; ++n)
    faults.push_back(
        {{"nth", n}, {"status", 500}, {"apply", true}, {"method", "POST"}, {"path", "^/v1/pages$"}});
  emu().knobs({{"fail", faults}});
  emu().reset_log();
  const json first = publish(user, d.snapshot_id);
  ASSERT_EQ(first.value("state", ""), "succeeded") << first.dump();
  EXPECT_EQ(count_titled(emu().state(), tasks_db, "Maybe created"), 1);
  const json r = user.get_ok(record_path(d.snapshot_id, d.table_id, local));
  EXPECT_TRUE(r.value("ambiguous_create", false)) << r.dump();
  EXPECT_EQ(r["publish_error"].value("code", ""), "outcome_unknown") << r.dump();
  int posts = 0;
  for (const auto& e : emu().requests())
    if (e["method"] == "POST" && e["path"] == "/v1/pages") ++posts;
  EXPECT_EQ(posts, 1) << "a 500 to a create is never retried";

  emu().knobs({{"fail", json::array()}});
  emu().reset_log();
  const json second = publish(user, d.snapshot_id);
  ASSERT_EQ(second.value("state", ""), "succeeded") << second.dump();
  EXPECT_EQ(count_titled(emu().state(), tasks_db, "Maybe created"), 1)
      << "the ambiguous create was sent again";
  for (const auto& e : emu().requests())
    EXPECT_FALSE(e["method"] == "POST" && e["path"] == "/v1/pages") << e.dump();
  EXPECT_EQ(pages_of(emu().state(), tasks_db).size(), 31u);
}

TEST_F(Notion, DownloadAndPublishKeepTheRateLimitAndA429StormIsWaitedOut) {
  const std::string tasks_db = seed(250);
  emu().knobs({{"rate_limit_per_second", 5}});
  const std::string acc = account();
  const auto fid = field_ids(find_table(account_tables(user, acc), tasks_db));
  const Downloaded d = download_table(user, acc, tasks_db);
  const json records = all_records(user, d.snapshot_id, d.table_id);
  ASSERT_EQ(records.size(), 250u);
  for (int i = 0; i < 6; ++i)
    edit_record(user, d, id_of(records[static_cast<std::size_t>(i)]), {{fid.at("Estimate"), 1000 + i}});
  create_record(user, d, {{fid.at("Name"), "Rate limited create"}});
  const json job = publish(user, d.snapshot_id);
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump();
  EXPECT_EQ(job["result"].value("status", ""), "completed") << job.dump();
  const json stats = expect_rate_kept(5);
  EXPECT_GE(stats.value("requests", 0), 12) << stats.dump();

  // Three 429s in a row (Retry-After: 1) in the middle of a download: waited out, every record there.
  expect_storm_waited_out(d, 251u,
                          {{"rate_limit_per_second", 0}, {"storm_429", 3}, {"retry_after_seconds", 1}});
}

TEST_F(Notion, ABadTokenOrDatabaseFailsTheCheckClearly) {
  const std::string tasks_db = seed(1);
  const HttpResponse bad_token = check_account(user, account("ntn_wrong"));
  const std::string message = expect_connector_error(bad_token, "auth_failed");
  EXPECT_NE(message.find("Notion refused the integration secret"), std::string::npos) << message;
  EXPECT_NE(message.find("401"), std::string::npos) << message;
  EXPECT_NE(message.find("API token is invalid"), std::string::npos) << message;

  // A database that exists but is not shared with the integration is a 404 at Notion.
  const json state = emu().state();
  const std::string private_db = [&] {
    for (const auto& [id, db] : state["databases"].items())
      if (!db.value("shared", true)) return id;
    return std::string();
  }();
  const HttpResponse unshared = check_account(user, account(kToken, {tasks_db, private_db}));
  EXPECT_NE(expect_connector_error(unshared, "not_found").find(private_db), std::string::npos)
      << unshared.body;
  const HttpResponse good = check_account(user, account(kToken, {tasks_db}));
  EXPECT_EQ(good.status, 200) << good.body;
}

}  // namespace
}  // namespace scratch::test

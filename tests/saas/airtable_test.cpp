// The Airtable connector end to end: a real scratchd with build/plugins/airtable.so against the Airtable
// emulator (tests/emulators/airtable), everything through the product's HTTP API. The emulator's state is
// the truth about what reached "Airtable".
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "saas_fixture.hpp"
#include "snapshots/sync/sync_helpers.hpp"

namespace scratch::test {
namespace {

using namespace sync;

constexpr const char* kToken = "patScratchEmulatorToken.0123456789";
constexpr const char* kBaseId = "appScratchEmu0001";

class AirtableTest : public SaasTest {
 protected:
  // The emulator with `seed` projects; the 429 lockout is 1 s here (Airtable's is 30 s).
  void start_emulator(int seed, json knobs = json::object()) {
    knobs["penalty_seconds"] = 1;
    const json state = start_service("airtable", knobs, seed).state();
    for (const auto& t : state["bases"][0]["tables"])
      table_ids_[t["name"].get<std::string>()] = t["id"].get<std::string>();
  }

  std::string account(const std::string& token = kToken, const std::string& base_id = kBaseId) {
    return create_account(
        user, "airtable",
        {{"base_url", emu().base_url() + "/v0"}, {"base_id", base_id}, {"rate_limit_penalty_seconds", 1}},
        {{"api_key", token}});
  }

  // Field ids by name, from list_tables.
  void learn_fields(const json& table) {
    for (const auto& f : table["fields"])
      fid_[f["name"].get<std::string>()] = f["id"].get<std::string>();
  }
  const std::string& fid(const std::string& name) { return fid_.at(name); }

  // The Projects table as the emulator stores it, and its records by id.
  json projects_state() const {
    const json state = emu().state();
    for (const auto& t : state["bases"][0]["tables"])
      if (t["name"] == "Projects") return t;
    ADD_FAILURE() << "no Projects table in the emulator";
    return nullptr;
  }
  static std::map<std::string, json> by_id(const json& table_state) {
    return index_by(table_state["records"]);
  }
  // The id of seeded project i (1-based: creation order).
  static std::string project_id(const json& table_state, int i) {
    return table_state["records"][i - 1]["id"];
  }

  // Records whose stored Name is `name`.
  static int count_named(const json& table_state, const std::string& name_field, const std::string& name) {
    int n = 0;
    for (const auto& r : table_state["records"])
      if (r["fields"].value(name_field, json()) == json(name)) ++n;
    return n;
  }

  std::map<std::string, std::string> table_ids_;
  std::map<std::string, std::string> fid_;
};

// a. Account, check, schema mapping, a 1,050-record download over 11 pages, edits of every kind of field,
// two creates, two deletes, publish, and exactly those changes in Airtable.
TEST_F(AirtableTest, FullRoundTripChangesExactlyWhatWasEdited) {
  start_emulator(1050);
  const std::string acc = account();
  ASSERT_FALSE(acc.empty());
  const auto checked = check_account(user, acc);
  ASSERT_EQ(checked.status, 200) << checked.body;
  EXPECT_NE(checked.body.find(kBaseId), std::string::npos) << checked.body;

  const json tables = account_tables(user, acc);
  ASSERT_EQ(tables["tables"].size(), 2u) << tables.dump();
  const json projects = find_table(tables, table_ids_.at("Projects"));
  ASSERT_TRUE(projects.is_object()) << tables.dump();
  EXPECT_EQ(projects["name"], "Projects");
  EXPECT_EQ(projects["read_only"], false);
  learn_fields(projects);
  const std::map<std::string, std::pair<std::string, bool>> expected_types = {
      {"Name", {"text", false}},         {"Notes", {"long_text", false}},
      {"Brief", {"long_text", false}},   {"Contact", {"email", false}},
      {"Website", {"url", false}},       {"Phone", {"text", false}},
      {"Budget", {"number", false}},     {"Headcount", {"number", false}},
      {"Weight", {"number", false}},     {"Progress", {"number", false}},
      {"Time spent", {"number", false}}, {"Priority", {"number", false}},
      {"Active", {"boolean", false}},    {"Start date", {"date", false}},
      {"Kickoff", {"datetime", false}},  {"Status", {"single_select", false}},
      {"Tags", {"multi_select", false}}, {"Teams", {"link", false}},
      {"Files", {"json", false}},        {"Owner", {"json", false}},
      {"Barcode", {"json", false}},      {"Summary", {"text", true}},
      {"Budget x2", {"number", true}},   {"Number", {"number", true}},
      {"Created", {"datetime", true}},   {"Modified", {"datetime", true}},
      {"Team count", {"number", true}},  {"Team size total", {"number", true}},
      {"Team names", {"json", true}},    {"AI summary", {"json", true}},
  };
  ASSERT_NO_FATAL_FAILURE(expect_field_types(projects, expected_types, "name"));
  for (const auto& f : projects["fields"]) {
    EXPECT_EQ(f["id"].get<std::string>().rfind("fld", 0), 0u) << "fields are keyed by id: " << f.dump();
  }
  for (const auto& f : projects["fields"]) {
    if (f["name"] == "Status") {
      EXPECT_EQ(f["options"], json({"Todo", "In progress", "Done"}));
    } else if (f["name"] == "Tags") {
      EXPECT_EQ(f["options"], json({"red", "green", "blue", "urgent"}));
    }
  }

  const json before = projects_state();
  const auto before_by_id = by_id(before);
  emu().reset_log();
  const Downloaded d = download_table(user, acc, table_ids_.at("Projects"));
  ASSERT_FALSE(d.table_id.empty());
  const json records = all_records(user, d.snapshot_id, d.table_id);
  ASSERT_EQ(records.size(), 1050u);
  int list_requests = 0;
  for (const auto& r : emu().requests())
    if (r["method"] == "GET" && r["path"] == "/v0/" + std::string(kBaseId) + "/" + table_ids_.at("Projects"))
      ++list_requests;
  EXPECT_EQ(list_requests, 11) << "1,050 records in pages of 100";

  // Values as downloaded: every type, empty cells as null (an unticked checkbox as false).
  const json r1 = by_remote_id(records, project_id(before, 1))["values"];
  EXPECT_EQ(r1[fid("Name")], "Project 0001");
  EXPECT_EQ(r1[fid("Budget")], 12.35);
  EXPECT_EQ(r1[fid("Headcount")], 1);
  EXPECT_EQ(r1[fid("Progress")], 0.01);
  EXPECT_EQ(r1[fid("Active")], false);
  EXPECT_EQ(r1[fid("Start date")], "2024-01-02");
  EXPECT_EQ(r1[fid("Kickoff")], "2024-01-01T01:00:00.001Z");
  EXPECT_EQ(r1[fid("Status")], "In progress");
  EXPECT_EQ(r1[fid("Tags")], json({"red"}));
  EXPECT_EQ(r1[fid("Teams")].size(), 2u);
  EXPECT_EQ(r1[fid("Files")][0]["filename"], "plan-1.png");
  EXPECT_TRUE(r1[fid("Files")][0].contains("thumbnails")) << "attachments keep Airtable's whole object";
  EXPECT_EQ(r1[fid("Owner")]["email"], "grace@example.com");
  EXPECT_TRUE(r1[fid("Barcode")].is_null());
  EXPECT_EQ(r1[fid("Summary")], "Project 0001 - In progress");
  EXPECT_EQ(r1[fid("Budget x2")], 24.7);
  EXPECT_EQ(r1[fid("Number")], 1);
  EXPECT_EQ(r1[fid("Team count")], 2);
  EXPECT_EQ(r1[fid("Team names")].size(), 2u);
  EXPECT_EQ(r1[fid("Created")], "2024-01-01T00:01:00.000Z");
  const json r3v = by_remote_id(records, project_id(before, 3))["values"];
  EXPECT_TRUE(r3v[fid("Notes")].is_null());
  EXPECT_EQ(r3v[fid("AI summary")]["value"], "Summary of 3");
  EXPECT_EQ(by_remote_id(records, project_id(before, 2))["values"][fid("Active")], true);
  EXPECT_EQ(by_remote_id(records, project_id(before, 2))["values"][fid("Barcode")]["type"], "ean8");
  EXPECT_EQ(by_remote_id(records, project_id(before, 40))["values"][fid("Headcount")], 0);

  // Edits across the field types.
  const std::string id1 = project_id(before, 1), id5 = project_id(before, 5), id7 = project_id(before, 7);
  const std::string id10 = project_id(before, 10), id11 = project_id(before, 11);
  const std::string team1 = by_id(emu().state()["bases"][0]["tables"][1]).begin()->first;
  const json rec1 = by_remote_id(records, id1), rec5 = by_remote_id(records, id5);
  const json rec7 = by_remote_id(records, id7);
  const json ada = by_remote_id(records, project_id(before, 3))["values"][fid("Owner")];
  ASSERT_EQ(ada["name"], "Ada Lovelace");
  const json kept_file = rec5["values"][fid("Files")][0];
  edit_record(user, d, id_of(rec1),
              {{fid("Name"), "Renamed 1"},
               {fid("Budget"), 99.5},
               {fid("Active"), true},
               {fid("Tags"), {"blue", "urgent"}},
               {fid("Status"), "Done"},
               {fid("Kickoff"), "2024-06-01T10:20:30Z"}});
  edit_record(user, d, id_of(rec5),
              {{fid("Notes"), nullptr},
               {fid("Start date"), "2025-02-03"},
               {fid("Teams"), {team1}},
               {fid("Owner"), ada},
               {fid("Files"),
                {kept_file, {{"url", "https://files.example.com/new/spec.pdf"}, {"filename", "spec.pdf"}}}}});
  edit_record(user, d, id_of(rec7),
              {{fid("Barcode"), {{"text", "ABC-123"}, {"type", "code39"}}},
               {fid("Priority"), 5},
               {fid("Website"), "https://scratch.example/7"},
               {fid("Contact"), "new7@example.com"},
               {fid("Progress"), 0.875},
               {fid("Time spent"), 3600},
               {fid("Weight"), nullptr}});
  const json c1 = create_record(user, d,
                                {{fid("Name"), "Created one"},
                                 {fid("Notes"), "multi\nline"},
                                 {fid("Budget"), 10.25},
                                 {fid("Headcount"), 0},
                                 {fid("Active"), true},
                                 {fid("Status"), "Todo"},
                                 {fid("Tags"), {"red"}},
                                 {fid("Start date"), "2024-12-24"},
                                 {fid("Kickoff"), "2024-12-24T18:00:00Z"},
                                 {fid("Teams"), {team1}},
                                 {fid("Owner"), {{"id", "usrAlanTuring001"}}},
                                 {fid("Barcode"), {{"text", "X1"}}},
                                 {fid("Priority"), 3}});
  const json c2 = create_record(user, d, {{fid("Name"), "Created two"}});
  delete_record(user, d, id_of(by_remote_id(records, id10)));
  delete_record(user, d, id_of(by_remote_id(records, id11)));

  const json plan = full_plan(user, d.snapshot_id);
  const json counts = counts_for(plan, d.table_id);
  EXPECT_EQ(counts.value("creates", -1), 2) << counts.dump();
  EXPECT_EQ(counts.value("updates", -1), 3) << counts.dump();
  EXPECT_EQ(counts.value("deletes", -1), 2) << counts.dump();

  const json job = publish(user, d.snapshot_id);
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump();
  EXPECT_EQ(job["result"].value("status", ""), "completed") << job.dump();

  // Airtable holds exactly the planned changes.
  const json after = projects_state();
  auto after_by_id = by_id(after);
  ASSERT_EQ(after["records"].size(), 1050u);
  EXPECT_EQ(after_by_id.count(id10) + after_by_id.count(id11), 0u);
  const std::set<std::string> new_ids = added_ids(before_by_id, after_by_id);
  ASSERT_EQ(new_ids.size(), 2u);
  ASSERT_TRUE(unchanged_except(before_by_id, after_by_id, {id1, id5, id7, id10, id11}, "record"));
  const auto expect_edited = [&](const std::string& id, json expected_fields) {
    const json& was = before_by_id.at(id);
    const json& now = after_by_id.at(id);
    EXPECT_EQ(now["createdTime"], was["createdTime"]);
    EXPECT_EQ(now["autoNumber"], was["autoNumber"]);
    EXPECT_NE(now["modifiedTime"], was["modifiedTime"]);
    EXPECT_EQ(now["fields"], expected_fields) << id;
  };
  json f1 = before_by_id.at(id1)["fields"];
  f1[fid("Name")] = "Renamed 1";
  f1[fid("Budget")] = 99.5;
  f1[fid("Active")] = true;
  f1[fid("Tags")] = {"blue", "urgent"};
  f1[fid("Status")] = "Done";
  f1[fid("Kickoff")] = "2024-06-01T10:20:30.000Z";
  expect_edited(id1, f1);
  json f5 = before_by_id.at(id5)["fields"];
  f5.erase(fid("Notes"));
  f5[fid("Start date")] = "2025-02-03";
  f5[fid("Teams")] = {team1};
  f5[fid("Owner")] = ada;
  json files5 = after_by_id.at(id5)["fields"][fid("Files")];
  ASSERT_EQ(files5.size(), 2u) << files5.dump();
  EXPECT_EQ(files5[0], before_by_id.at(id5)["fields"][fid("Files")][0]) << "the kept attachment is unchanged";
  EXPECT_EQ(files5[1]["url"], "https://files.example.com/new/spec.pdf");
  EXPECT_EQ(files5[1]["filename"], "spec.pdf");
  EXPECT_EQ(files5[1]["id"].get<std::string>().rfind("att", 0), 0u);
  f5[fid("Files")] = files5;
  expect_edited(id5, f5);
  json f7 = before_by_id.at(id7)["fields"];
  f7[fid("Barcode")] = {{"text", "ABC-123"}, {"type", "code39"}};
  f7[fid("Priority")] = 5;
  f7[fid("Website")] = "https://scratch.example/7";
  f7[fid("Contact")] = "new7@example.com";
  f7[fid("Progress")] = 0.875;
  f7[fid("Time spent")] = 3600;
  f7.erase(fid("Weight"));
  expect_edited(id7, f7);

  std::string created_one, created_two;
  for (const auto& id : new_ids) {
    const json& f = after_by_id.at(id)["fields"];
    if (f.value(fid("Name"), "") == "Created one") created_one = id;
    if (f.value(fid("Name"), "") == "Created two") created_two = id;
  }
  ASSERT_FALSE(created_one.empty());
  ASSERT_FALSE(created_two.empty());
  const json one = after_by_id.at(created_one)["fields"];
  EXPECT_EQ(one, json({{fid("Name"), "Created one"},
                       {fid("Notes"), "multi\nline"},
                       {fid("Budget"), 10.25},
                       {fid("Headcount"), 0},
                       {fid("Active"), true},
                       {fid("Status"), "Todo"},
                       {fid("Tags"), {"red"}},
                       {fid("Start date"), "2024-12-24"},
                       {fid("Kickoff"), "2024-12-24T18:00:00.000Z"},
                       {fid("Teams"), {team1}},
                       {fid("Owner"),
                        {{"id", "usrAlanTuring001"}, {"email", "alan@example.com"}, {"name", "Alan Turing"}}},
                       {fid("Barcode"), {{"text", "X1"}}},
                       {fid("Priority"), 3}}));
  EXPECT_EQ(after_by_id.at(created_two)["fields"], json({{fid("Name"), "Created two"}}));
  EXPECT_EQ(emu().state()["bases"][0]["tables"][1]["records"].size(), 5u) << "Teams untouched";

  // The snapshot: nothing left to publish; records carry what Airtable stored (computed fields included).
  const json table = user.get_ok(table_path(d.snapshot_id, d.table_id));
  EXPECT_EQ(table.value("dirty_count", -1), 0) << table.dump();
  const json plan_after = full_plan(user, d.snapshot_id);
  EXPECT_TRUE(plan_after["operations"].empty()) << plan_after.dump();
  const json s1 = record_for(d, id1);
  EXPECT_EQ(s1["state"], "synced");
  EXPECT_EQ(s1["values"][fid("Summary")], "Renamed 1 - Done");
  EXPECT_EQ(s1["values"][fid("Kickoff")], "2024-06-01T10:20:30.000Z");
  const json sc1 = user.get_ok(records_path(d.snapshot_id, d.table_id) + "/" + id_of(c1));
  EXPECT_EQ(sc1["state"], "synced") << sc1.dump();
  EXPECT_EQ(sc1["remote_id"], created_one);
  EXPECT_EQ(sc1["values"][fid("Owner")]["name"], "Alan Turing");
  EXPECT_EQ(sc1["values"][fid("Number")], 1051);
  EXPECT_EQ(user.get_ok(records_path(d.snapshot_id, d.table_id) + "/" + id_of(c2))["state"], "synced");

  // Downloading again changes nothing anywhere: what was published is what Airtable has.
  const json again = download(user, d.snapshot_id);
  ASSERT_EQ(again.value("state", ""), "succeeded") << again.dump();
  EXPECT_EQ(projects_state().dump(), after.dump());
  const json reloaded = all_records(user, d.snapshot_id, d.table_id);
  EXPECT_EQ(reloaded.size(), 1050u);
  for (const auto& r : reloaded) {
    ASSERT_EQ(r["state"], "synced") << r.dump();
    ASSERT_TRUE(r["conflicts"].is_null() || r["conflicts"].empty()) << r.dump();
  }
}

// b. Airtable refuses a request whole when one record is invalid; only that record stays unpublished.
TEST_F(AirtableTest, ARecordAirtableRefusesFailsAloneWithAirtablesMessage) {
  start_emulator(30, {{"reject_values", {"REJECT-ME"}}});
  const std::string acc = account();
  learn_fields(find_table(account_tables(user, acc), table_ids_.at("Projects")));
  const json before = projects_state();
  const Downloaded d = download_table(user, acc, table_ids_.at("Projects"));
  const json records = all_records(user, d.snapshot_id, d.table_id);
  ASSERT_EQ(records.size(), 30u);
  std::map<int, std::string> local;  // project number -> snapshot record id
  for (int i = 1; i <= 5; ++i) {
    local[i] = id_of(by_remote_id(records, project_id(before, i)));
    edit_record(user, d, local[i], {{fid("Name"), i == 3 ? "bad REJECT-ME" : "ok " + std::to_string(i)}});
  }
  create_record(user, d, {{fid("Name"), "new ok"}});
  const std::string bad_create = id_of(create_record(user, d, {{fid("Name"), "new REJECT-ME"}}));

  const json job = publish(user, d.snapshot_id);
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump();
  const json result = job["result"];
  EXPECT_EQ(result.value("status", ""), "completed_with_errors") << result.dump();
  EXPECT_EQ(failed_ids(result), (std::set<std::string>{local[3], bad_create})) << result.dump();
  EXPECT_EQ(succeeded_failed(result, "update"), json({{"succeeded", 4}, {"failed", 1}})) << result.dump();
  EXPECT_EQ(succeeded_failed(result, "create"), json({{"succeeded", 1}, {"failed", 1}})) << result.dump();

  for (const std::string& id : {local[3], bad_create}) {
    const json r = user.get_ok(records_path(d.snapshot_id, d.table_id) + "/" + id);
    ASSERT_TRUE(r["publish_error"].is_object()) << r.dump();
    EXPECT_EQ(r["publish_error"].value("code", ""), "invalid_value") << r.dump();
    const std::string message = r["publish_error"].value("message", "");
    EXPECT_NE(message.find("INVALID_VALUE_FOR_COLUMN"), std::string::npos) << message;
    EXPECT_NE(message.find("Field \"Name\" cannot accept the provided value"), std::string::npos) << message;
    EXPECT_NE(r["state"], "synced") << r.dump();
  }
  const auto after = by_id(projects_state());
  for (int i : {1, 2, 4, 5})
    EXPECT_EQ(after.at(project_id(before, i))["fields"][fid("Name")], "ok " + std::to_string(i));
  EXPECT_EQ(after.at(project_id(before, 3)).dump(), before["records"][2].dump())
      << "the refused one is untouched";
  EXPECT_EQ(count_named(projects_state(), fid("Name"), "new ok"), 1);
  EXPECT_EQ(after.size(), 31u);
  EXPECT_EQ(user.get_ok(table_path(d.snapshot_id, d.table_id)).value("dirty_count", -1), 2);
}

// c. A 500 after Airtable carried out a create: the creates are ambiguous and never sent again; an update
// that got a 500 is retried by the next publish.
TEST_F(AirtableTest, ACreateAnsweredWith500IsNotSentAgain) {
  start_emulator(20);
  const std::string acc = account();
  learn_fields(find_table(account_tables(user, acc), table_ids_.at("Projects")));
  const json before = projects_state();
  const Downloaded d = download_table(user, acc, table_ids_.at("Projects"));
  const json records = all_records(user, d.snapshot_id, d.table_id);
  std::vector<std::string> creates;
  for (int n = 1; n <= 3; ++n)
    creates.push_back(id_of(create_record(user, d, {{fid("Name"), "Created " + std::to_string(n)}})));
  const std::string edited = id_of(by_remote_id(records, project_id(before, 2)));
  edit_record(user, d, edited, {{fid("Name"), "Edited 2"}});

  // The publish's first POST fails with 500 after it was carried out; its first PATCH fails before.
  const std::string table_path_re = "^/v0/" + std::string(kBaseId) + "/" + table_ids_.at("Projects") + "$";
  const json faults = json::array(
      {{{"nth", 1}, {"status", 500}, {"apply", true}, {"method", "POST"}, {"path", table_path_re}},
       {{"nth", 1}, {"status", 500}, {"apply", false}, {"method", "PATCH"}, {"path", table_path_re}}});
  emu().knobs({{"fail", faults}});
  emu().reset_log();
  const json first = publish(user, d.snapshot_id);
  ASSERT_EQ(first.value("state", ""), "succeeded") << first.dump();
  EXPECT_EQ(first["result"].value("status", ""), "completed_with_errors") << first.dump();
  for (int n = 1; n <= 3; ++n)
    EXPECT_EQ(count_named(projects_state(), fid("Name"), "Created " + std::to_string(n)), 1)
        << "applied once";
  for (const auto& id : creates) {
    const json r = user.get_ok(records_path(d.snapshot_id, d.table_id) + "/" + id);
    EXPECT_TRUE(r.value("ambiguous_create", false)) << r.dump();
    EXPECT_EQ(r["publish_error"].value("code", ""), "outcome_unknown") << r.dump();
  }
  EXPECT_EQ(by_id(projects_state()).at(project_id(before, 2))["fields"][fid("Name")], "Project 0002");
  const json failed_update = user.get_ok(records_path(d.snapshot_id, d.table_id) + "/" + edited);
  EXPECT_EQ(failed_update["publish_error"].value("retryable", false), true) << failed_update.dump();

  emu().knobs({{"fail", json::array()}});
  const json second = publish(user, d.snapshot_id);
  ASSERT_EQ(second.value("state", ""), "succeeded") << second.dump();
  int posts = 0;
  for (const auto& r : emu().requests())
    if (r["method"] == "POST") ++posts;
  EXPECT_EQ(posts, 1) << "the ambiguous creates were not sent again";
  const json state = projects_state();
  EXPECT_EQ(state["records"].size(), 23u);
  for (int n = 1; n <= 3; ++n)
    EXPECT_EQ(count_named(state, fid("Name"), "Created " + std::to_string(n)), 1) << "no duplicate";
  EXPECT_EQ(by_id(state).at(project_id(before, 2))["fields"][fid("Name")], "Edited 2")
      << "the update was resent";
}

// d. The plugin keeps to Airtable's 5 requests per second, and a 429 storm during a download is waited out.
TEST_F(AirtableTest, KeepsToTheRateLimitAndWaitsOutA429Storm) {
  // Enough pages and batches for long runs of back-to-back requests: any faster than 5 per second shows.
  start_emulator(1000, {{"rate_limit_per_second", 5}});
  const std::string acc = account();
  learn_fields(find_table(account_tables(user, acc), table_ids_.at("Projects")));
  const json before = projects_state();
  emu().reset_log();
  const Downloaded d = download_table(user, acc, table_ids_.at("Projects"));
  const json records = all_records(user, d.snapshot_id, d.table_id);
  ASSERT_EQ(records.size(), 1000u);
  for (int i = 1; i <= 40; ++i)
    edit_record(user, d, id_of(by_remote_id(records, project_id(before, i))), {{fid("Headcount"), 100 + i}});
  for (int n = 1; n <= 3; ++n)
    create_record(user, d, {{fid("Name"), "Rate " + std::to_string(n)}});
  delete_record(user, d, id_of(by_remote_id(records, project_id(before, 20))));
  delete_record(user, d, id_of(by_remote_id(records, project_id(before, 21))));
  const json job = publish(user, d.snapshot_id);
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump();
  EXPECT_EQ(job["result"].value("status", ""), "completed") << job.dump();
  const json stats = expect_rate_kept(5);
  EXPECT_GE(stats.value("requests", 0), 17) << stats.dump();
  EXPECT_EQ(projects_state()["records"].size(), 1001u);

  expect_storm_waited_out(d, 1001u);
}

// An offset that expires mid-download (422 LIST_RECORDS_ITERATOR_NOT_AVAILABLE) is recovered from.
TEST_F(AirtableTest, AnExpiredOffsetIsResumedAfterTheLastRecord) {
  start_emulator(350, {{"iterator_ttl_seconds", 0.6}});
  const std::string acc = account();
  ASSERT_FALSE(account_tables(user, acc)["tables"].empty());
  // The second list request (page 2, with an offset) waits past the offset's lifetime and finds it gone.
  const std::string list_re = "^/v0/" + std::string(kBaseId) + "/" + table_ids_.at("Projects") + "$";
  const json delays = json::array({{{"nth", 2}, {"seconds", 1.0}, {"method", "GET"}, {"path", list_re}}});
  emu().knobs({{"delay", delays}});
  emu().reset_log();
  const Downloaded d = download_table(user, acc, table_ids_.at("Projects"));
  const json records = all_records(user, d.snapshot_id, d.table_id);
  EXPECT_EQ(records.size(), 350u);
  std::set<std::string> remote;
  for (const auto& r : records)
    remote.insert(str(r["remote_id"]));
  EXPECT_EQ(remote.size(), 350u);
  EXPECT_EQ(emu().stats()["by_status"].value("422", 0), 1) << emu().stats().dump();
}

// e. A token Airtable refuses: the check says so, naming the service and what to fix.
TEST_F(AirtableTest, ABadTokenFailsTheCheckClearly) {
  start_emulator(1);
  const auto bad = check_account(user, account("patWrongToken"));
  const std::string message = expect_connector_error(bad, "auth_failed");
  EXPECT_NE(message.find("Airtable refused the personal access token"), std::string::npos) << message;
  EXPECT_NE(message.find("401 AUTHENTICATION_REQUIRED"), std::string::npos) << message;
  EXPECT_NE(message.find("api_key"), std::string::npos) << message;
  EXPECT_EQ(message.find("patWrongToken"), std::string::npos) << "never echo the token";

  const auto wrong_base = check_account(user, account(kToken, "appNoSuchBase0000"));
  EXPECT_NE(expect_connector_error(wrong_base, "auth_failed").find("appNoSuchBase0000"), std::string::npos)
      << wrong_base.body;
}

}  // namespace
}  // namespace scratch::test

// The agent tools over HTTP with agent tokens: the capability each tool needs, scope to one snapshot,
// arguments checked against the tool's schema, and every write a suggestion that never reaches the source.
#include <gtest/gtest.h>

#include <set>

#include "agent_fixture.hpp"
#include "support/emulator_process.hpp"

namespace scratch::test {
namespace {

using nlohmann::json;

const std::vector<std::string> kReadOnly = {"read"};
const std::vector<std::string> kSuggestAll = {"read", "suggest_update", "suggest_create", "suggest_delete"};

class AgentTools : public AgentTest {};

TEST_F(AgentTools, ListsOnlyTheToolsItsCapabilitiesAllow) {
  const ApiUser reader = agent(kReadOnly);
  const json tools = reader.get_ok(snapshot_path(s_.snapshot_id) + "/agent/tools")["tools"];
  std::set<std::string> names;
  for (const auto& t : tools) {
    names.insert(t["name"]);
    EXPECT_EQ(t["input_schema"]["type"], "object") << t.dump();
    EXPECT_FALSE(t.value("description", "").empty()) << t.dump();
  }
  EXPECT_TRUE(names.count("fetch_records"));
  EXPECT_TRUE(names.count("list_tables"));
  EXPECT_FALSE(names.count("suggest_updates"));
  EXPECT_FALSE(names.count("load_url"));
  // The owner sees every tool.
  EXPECT_GT(user.get_ok(snapshot_path(s_.snapshot_id) + "/agent/tools")["tools"].size(), tools.size());
}

TEST_F(AgentTools, FetchesWithFilterSortProjectionAndCursor) {
  const ApiUser reader = agent(kReadOnly);
  const json tables = tool_ok(reader, "list_tables", json::object())["tables"];
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0]["id"], s_.table_id);
  json page = tool_ok(reader, "fetch_records",
                      {{"table_id", s_.table_id},
                       {"filter", {{"field", "status"}, {"op", "eq"}, {"value", "draft"}}},
                       {"sort", "qty:desc"},
                       {"fields", {"title", "qty"}},
                       {"limit", 2}});
  ASSERT_EQ(page["records"].size(), 2u) << page.dump();
  for (const auto& r : page["records"]) {
    EXPECT_EQ(r["values"].size(), 2u) << r.dump();  // projected
    EXPECT_TRUE(r["values"].contains("title"));
  }
  EXPECT_GE(page["records"][0]["values"]["qty"].get<int>(), page["records"][1]["values"]["qty"].get<int>());
  ASSERT_TRUE(page["next_cursor"].is_string());
  const json next = tool_ok(reader, "fetch_records",
                            {{"table_id", s_.table_id},
                             {"filter", {{"field", "status"}, {"op", "eq"}, {"value", "draft"}}},
                             {"sort", "qty:desc"},
                             {"fields", {"title", "qty"}},
                             {"limit", 2},
                             {"cursor", page["next_cursor"]}});
  EXPECT_EQ(next["records"].size(), 1u) << next.dump();  // 3 drafts in 12 (ids 4, 8, 12)

  const json by_ids = tool_ok(reader, "fetch_records_by_ids",
                              {{"table_id", s_.table_id}, {"record_ids", {record_id(3), "999999"}}});
  ASSERT_EQ(by_ids["records"].size(), 1u);
  EXPECT_EQ(by_ids["records"][0]["values"]["title"], "Red apple 3");
  EXPECT_EQ(by_ids["missing"], json::array({"999999"}));
}

TEST_F(AgentTools, ArgumentsAreCheckedAgainstTheSchema) {
  const ApiUser reader = agent(kReadOnly);
  auto r = tool(reader, "fetch_records", {{"table_id", s_.table_id}, {"limit", 500}});
  EXPECT_EQ(r.status, 422) << r.body;
  json p = problem_of(r);
  EXPECT_EQ(p["code"], "invalid_arguments");
  EXPECT_EQ(p["errors"][0]["path"], "/limit") << p.dump();
  r = tool(reader, "fetch_records", {{"limit", 5}, {"colour", "red"}});
  EXPECT_EQ(r.status, 422) << r.body;
  r = tool(reader, "no_such_tool", json::object());
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(problem_of(r)["code"], "unknown_tool");
}

TEST_F(AgentTools, EachKindOfSuggestionNeedsItsCapability) {
  const ApiUser updater = agent({"read", "suggest_update"});
  const ApiUser reader = agent(kReadOnly);
  // Read-only: no suggestion of any kind.
  auto r = tool(reader, "set_field_value",
                {{"table_id", s_.table_id}, {"record_id", record_id(1)}, {"field", "title"}, {"value", "x"}});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(problem_of(r)["code"], "capability_missing");
  EXPECT_EQ(problem_of(r)["capability"], "suggest_update");
  // An updater cannot suggest deletes or creates, through the tools or the suggestions route.
  r = tool(updater, "suggest_deletes", {{"table_id", s_.table_id}, {"record_ids", {record_id(1)}}});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(problem_of(r)["capability"], "suggest_delete");
  r = updater.post(snapshot_path(s_.snapshot_id) + "/suggestions",
                   {{"table_id", s_.table_id}, {"deletes", {record_id(1)}}});
  EXPECT_EQ(r.status, 403) << r.body;
  r = tool(updater, "suggest_creates",
           {{"table_id", s_.table_id}, {"records", {{{"values", {{"title", "n"}}}}}}});
  EXPECT_EQ(r.status, 403) << r.body;
  // ...but can suggest updates; nothing was suggested by the refused calls.
  tool_ok(
      updater, "suggest_updates",
      {{"table_id", s_.table_id}, {"updates", {{{"record_id", record_id(2)}, {"values", {{"qty", 42}}}}}}});
  const json pending = user.get_ok(snapshot_path(s_.snapshot_id) + "/suggestions")["items"];
  ASSERT_EQ(pending.size(), 1u) << pending.dump();
  EXPECT_EQ(pending[0]["kind"], "update");
  // Unknown capabilities are refused when the token is made.
  r = user.post(snapshot_path(s_.snapshot_id) + "/agent-tokens",
                {{"name", "x"}, {"capabilities", {"publish"}}});
  EXPECT_EQ(r.status, 422) << r.body;
}

TEST_F(AgentTools, AnotherSnapshotIsNotFound) {
  const ApiUser reader = agent(kSuggestAll);
  const std::string other = create_snapshot(user, "other");
  auto r = tool(reader, "list_tables", json::object(), other);
  EXPECT_EQ(r.status, 404) << r.body;
  // Another user's snapshot: 404 for its owner's tokens and for the other user alike.
  const ApiUser stranger = sign_up_another();
  r = tool(stranger, "list_tables", json::object());
  EXPECT_EQ(r.status, 404) << r.body;
}

TEST_F(AgentTools, EditsAreSuggestionsThatNeverPublish) {
  const ApiUser a = agent(kSuggestAll);
  const json appended = tool_ok(a, "append_to_field",
                                {{"table_id", s_.table_id},
                                 {"record_id", record_id(2)},
                                 {"field", "notes"},
                                 {"text", "checked by the agent"},
                                 {"separator", " | "}});
  EXPECT_EQ(appended["value"], "note 2 | checked by the agent");
  // Appending again builds on the pending suggestion.
  const json twice = tool_ok(
      a, "append_to_field",
      {{"table_id", s_.table_id}, {"record_id", record_id(2)}, {"field", "notes"}, {"text", "again"}});
  EXPECT_EQ(twice["value"], "note 2 | checked by the agent again");  // one-line field: a space
  const json replaced =
      tool_ok(a, "search_replace_in_field",
              {{"table_id", s_.table_id}, {"field", "title"}, {"find", "PEAR"}, {"replace", "Quince"}});
  EXPECT_EQ(replaced["matched"], 4) << replaced.dump();  // 1, 4, 7, 10
  EXPECT_EQ(replaced["suggested"], 4);
  EXPECT_EQ(replaced["replacements"], 4);
  const json exact = tool_ok(a, "search_replace_in_field",
                             {{"table_id", s_.table_id},
                              {"field", "title"},
                              {"find", "PEAR"},
                              {"replace", "x"},
                              {"match_case", true}});
  EXPECT_EQ(exact["matched"], 0) << exact.dump();
  tool_ok(a, "suggest_deletes", {{"table_id", s_.table_id}, {"record_ids", {record_id(3)}}});
  tool_ok(a, "suggest_creates",
          {{"table_id", s_.table_id}, {"records", {{{"values", {{"title", "From agent"}}}}}}});

  // The owner sees them as suggestions beside unchanged values.
  const json r4 = user.get_ok(s_.records + "/" + record_id(4));
  EXPECT_EQ(r4["values"]["title"], "Green pear 4");
  EXPECT_EQ(r4["suggestions"]["title"], "Green Quince 4");
  EXPECT_TRUE(user.get_ok(s_.records + "/" + record_id(3))["suggested_delete"].get<bool>());

  // Publishing now changes nothing at the source: suggestions are not edits.
  const json job = publish(user, s_.snapshot_id);
  EXPECT_EQ(job.value("state", ""), "succeeded") << job.dump();
  EXPECT_EQ(source_rows("SELECT id, title, status, price, qty, due, active, notes FROM items ORDER BY id"),
            rows_);
  // And an agent cannot publish, edit or download.
  EXPECT_EQ(a.post(snapshot_path(s_.snapshot_id) + "/publish").status, 403);
  EXPECT_EQ(a.patch(s_.records + "/" + record_id(4), {{"values", {{"title", "x"}}}}).status, 403);
  EXPECT_EQ(a.post(snapshot_path(s_.snapshot_id) + "/download").status, 403);

  // Accepted, they become edits and publish.
  user.post_ok(snapshot_path(s_.snapshot_id) + "/suggestions/accept",
               {{"items", {{{"table_id", s_.table_id}, {"record_id", record_id(4)}}}}});
  EXPECT_EQ(publish(user, s_.snapshot_id).value("state", ""), "succeeded");
  EXPECT_EQ(source_rows("SELECT title FROM items WHERE id = 4")[0]["title"], "Green Quince 4");
}

TEST_F(AgentTools, ViewFilterAndScratchColumns) {
  const ApiUser viewer = agent({"read", "view_filters"});
  const json filter = {{"field", "status"}, {"op", "eq"}, {"value", "review"}};
  tool_ok(viewer, "set_view_filter", {{"table_id", s_.table_id}, {"filter", filter}});
  EXPECT_EQ(user.get_ok(table_path(s_.snapshot_id, s_.table_id))["view_filter"], filter);
  // A filter that does not compile is refused and the old one stays.
  auto r = tool(viewer, "set_view_filter",
                {{"table_id", s_.table_id}, {"filter", {{"field", "nope"}, {"op", "eq"}, {"value", 1}}}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(user.get_ok(table_path(s_.snapshot_id, s_.table_id))["view_filter"], filter);
  tool_ok(viewer, "set_view_filter", {{"table_id", s_.table_id}, {"filter", nullptr}});
  EXPECT_TRUE(user.get_ok(table_path(s_.snapshot_id, s_.table_id))["view_filter"].is_null());
  // Without the capability: 403.
  EXPECT_EQ(tool(viewer, "add_scratch_column", {{"table_id", s_.table_id}, {"name", "Notes"}}).status, 403);

  const ApiUser a = agent({"read", "suggest_update", "scratch_columns"});
  const json field = tool_ok(a, "add_scratch_column", {{"table_id", s_.table_id}, {"name", "Agent notes"}});
  const std::string fid = field["id"];
  EXPECT_TRUE(field["scratch"].get<bool>());
  tool_ok(a, "set_field_value",
          {{"table_id", s_.table_id}, {"record_id", record_id(5)}, {"field", fid}, {"value", "check price"}});
  user.post_ok(snapshot_path(s_.snapshot_id) + "/suggestions/accept", {{"all", true}});
  EXPECT_EQ(user.get_ok(s_.records + "/" + record_id(5))["values"][fid], "check price");
  // Never published (the source has no such column, and the publish sends nothing for it)...
  const json job = publish(user, s_.snapshot_id);
  EXPECT_EQ(job.value("state", ""), "succeeded") << job.dump();
  EXPECT_EQ(source_rows("SELECT id, title, status, price, qty, due, active, notes FROM items ORDER BY id"),
            rows_);
  // ...and kept across a download.
  EXPECT_EQ(download(user, s_.snapshot_id).value("state", ""), "succeeded");
  EXPECT_EQ(user.get_ok(s_.records + "/" + record_id(5))["values"][fid], "check price");
  // Source columns cannot be removed; the scratch one can, with its values.
  r = tool(a, "remove_scratch_column", {{"table_id", s_.table_id}, {"field_id", "title"}});
  EXPECT_EQ(r.status, 409) << r.body;
  tool_ok(a, "remove_scratch_column", {{"table_id", s_.table_id}, {"field_id", fid}});
  EXPECT_FALSE(user.get_ok(s_.records + "/" + record_id(5))["values"].contains(fid));
}

TEST_F(AgentTools, LoadUrlRefusesPrivateAddresses) {
  const ApiUser a = agent({"read", "load_url"});
  for (const std::string& url :
       {"http://127.0.0.1:" + std::to_string(server_->port()) + "/healthz", std::string("http://localhost/"),
        std::string("http://169.254.169.254/latest/meta-data"), std::string("http://10.1.2.3/"),
        std::string("http://[::1]/"), std::string("http://2130706433/")}) {
    SCOPED_TRACE(url);
    const auto r = tool(a, "load_url", {{"url", url}});
    EXPECT_EQ(r.status, 422) << r.body;
    EXPECT_EQ(problem_of(r)["code"], "url_refused") << r.body;
  }
  const auto r = tool(a, "load_url", {{"url", "file:///etc/passwd"}});
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(tool(agent(kReadOnly), "load_url", {{"url", "https://example.com/"}}).status, 403);
}

// Loading a page the operator allows (a local server standing in for the web): its text comes back, and
// hosts not on the list stay refused.
struct PageServer {
  EmulatorProcess pages{"openai"};  // any local HTTP server with a JSON route will do
};
class AgentUrls : protected PageServer, public AgentTest {
 protected:
  AgentUrls() : AgentTest({{"SCRATCH_AGENT_ALLOWED_HOSTS", "127.0.0.1:" + std::to_string(pages.port())}}) {}
};

TEST_F(AgentUrls, AnAllowedHostLoads) {
  const ApiUser a = agent({"read", "load_url"});
  const json page = tool_ok(a, "load_url", {{"url", pages.base_url() + "/_emulator/state"}});
  EXPECT_EQ(page["status"], 200) << page.dump();
  EXPECT_NE(page["text"].get<std::string>().find("\"chats\""), std::string::npos) << page.dump();
  EXPECT_FALSE(page["truncated"].get<bool>());
  const auto r =
      tool(a, "load_url", {{"url", "http://127.0.0.1:" + std::to_string(server_->port()) + "/healthz"}});
  EXPECT_EQ(r.status, 422) << r.body;
}

}  // namespace
}  // namespace scratch::test

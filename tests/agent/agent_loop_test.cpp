// The in-server agent loop against the scripted OpenAI-compatible emulator: tool calls run as suggestions
// and stream over SSE, tool errors and malformed arguments go back to the model, a model that never stops
// is ended by the step budget, a run can be cancelled, old turns are summarised past the token budget,
// style guides reach the system prompt, usage is recorded with its warning, and a user's own endpoint is
// stored sealed and passes the address guard.
#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <thread>

#include "agent_fixture.hpp"
#include "support/emulator_process.hpp"
#include "support/sse_client.hpp"

namespace scratch::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// Script pieces for the emulator (tests/emulators/openai/README.md).
json calls(const std::string& name, const json& arguments, json extra = json::object()) {
  extra["tool_calls"] = json::array({{{"name", name}, {"arguments", arguments}}});
  return extra;
}
json says(const std::string& content, json extra = json::object()) {
  extra["content"] = content;
  return extra;
}
json conversation(const std::string& match, const json& turns, bool repeat_last = false) {
  return {{"match", match}, {"turns", turns}, {"repeat_last", repeat_last}};
}

// Started before scratchd, which is told its address.
struct ModelHolder {
  EmulatorProcess model{"openai"};
};

class AgentLoop : protected ModelHolder, public AgentTest {
 protected:
  AgentLoop()
      : AgentTest({{"SCRATCH_AGENT_BASE_URL", model.base_url() + "/v1"},
                   {"SCRATCH_AGENT_API_KEY", "test-key"},
                   {"SCRATCH_AGENT_MODEL", "scripted-model"},
                   {"SCRATCH_AGENT_MAX_STEPS", "6"},
                   {"SCRATCH_AGENT_HISTORY_TOKENS", "400"}}) {}

  void script(const json& conversations) { model.seed({{"conversations", conversations}}); }

  json start(const json& body, long status = 202) {
    return user.post_ok(snapshot_path(s_.snapshot_id) + "/agent/runs", body, status);
  }
  json wait_run(const std::string& id, std::chrono::seconds timeout = 30s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    json run;
    while (std::chrono::steady_clock::now() < deadline) {
      run = user.get_ok("/api/v1/agent/runs/" + id);
      if (run.value("state", "") != "running") return run;
      std::this_thread::sleep_for(100ms);
    }
    ADD_FAILURE() << "run still running: " << run.dump(2);
    return run;
  }
  // Every event of a run's stream, until it ends.
  std::vector<SseEvent> events_of(const std::string& run_id) {
    SseClient sse(server_->port(), "/api/v1/agent/runs/" + run_id + "/events", user.token);
    EXPECT_EQ(sse.status(), 200) << sse.body_if_not_stream();
    std::vector<SseEvent> out;
    while (auto e = sse.next(10s))
      if (e->event != "comment") out.push_back(*e);
    return out;
  }
  json chats() const { return model.state()["chats"]; }
  std::string fetch_args() const { return json{{"table_id", s_.table_id}, {"search", "pear"}}.dump(); }
};

TEST_F(AgentLoop, ToolCallsBecomeSuggestionsAndStream) {
  user.post_ok("/api/v1/style-guides",
               {{"name", "House style"}, {"body", "Capitalise fruit names."}, {"auto_include", true}}, 201);
  script(json::array(
      {conversation("Capitalise the pears",
                    json::array({calls("fetch_records", {{"table_id", s_.table_id}, {"search", "pear"}}),
                                 calls("search_replace_in_field",
                                       {{"table_id", s_.table_id},
                                        {"field", "title"},
                                        {"find", "pear"},
                                        {"replace", "Pear"},
                                        {"match_case", true}},
                                       {{"expect_tool_result_contains", "Green pear 4"}}),
                                 says("I suggested 4 new titles.",
                                      {{"expect_tool_result_contains", "\"suggested\":4"}})}))}));
  const json run = start({{"message", "Capitalise the pears, please"}});
  ASSERT_EQ(run["state"], "running") << run.dump();
  const auto events = events_of(run["id"]);
  const json done = wait_run(run["id"]);
  ASSERT_EQ(done["state"], "succeeded") << done.dump(2);
  EXPECT_EQ(done["answer"], "I suggested 4 new titles.");
  EXPECT_EQ(done["steps"], 3);
  EXPECT_GT(done["usage"]["total_tokens"].get<long long>(), 0);

  // The stream: started, steps, both tool calls with their results, the answer, the end.
  std::vector<std::string> kinds;
  for (const auto& e : events)
    kinds.push_back(e.event);
  auto count = [&](const std::string& k) { return std::count(kinds.begin(), kinds.end(), k); };
  EXPECT_EQ(count("agent.run.tool_call"), 2) << testing::PrintToString(kinds);
  EXPECT_EQ(count("agent.run.tool_result"), 2);
  EXPECT_EQ(count("agent.run.answer"), 1);
  ASSERT_FALSE(kinds.empty());
  EXPECT_EQ(kinds.back(), "agent.run.succeeded");
  for (const auto& e : events)
    if (e.event == "agent.run.tool_result") {
      EXPECT_TRUE(json::parse(e.data)["data"]["ok"].get<bool>()) << e.data;
    }

  // Suggestions only, for the owner to review.
  const json r4 = user.get_ok(s_.records + "/" + record_id(4));
  EXPECT_EQ(r4["values"]["title"], "Green pear 4");
  EXPECT_EQ(r4["suggestions"]["title"], "Green Pear 4");
  EXPECT_EQ(source_rows("SELECT title FROM items WHERE id = 4")[0]["title"], "Green pear 4");

  // The model got the tools, the tables and the style guide.
  const json first = chats()[0]["body"];
  EXPECT_EQ(first["model"], "scripted-model");
  EXPECT_FALSE(first["tools"].empty());
  const std::string system = first["messages"][0]["content"];
  EXPECT_NE(system.find("Capitalise fruit names."), std::string::npos) << system;
  EXPECT_NE(system.find(s_.table_id), std::string::npos) << system;

  // History and usage.
  const json session = user.get_ok("/api/v1/agent/sessions/" + done["session_id"].get<std::string>());
  EXPECT_EQ(session["messages"].size(), 6u) << session.dump(2);  // user, (assistant, tool) x2, assistant
  const json usage = user.get_ok("/api/v1/agent/usage");
  EXPECT_EQ(usage["month"]["by_model"][0]["model"], "scripted-model");
  EXPECT_EQ(usage["month"]["by_model"][0]["requests"], 3);
}

TEST_F(AgentLoop, MalformedArgumentsAndToolErrorsGoBackToTheModel) {
  script(json::array({conversation(
      "Broken tools",
      json::array(
          {calls("fetch_records", "{\"table_id\": "),
           calls("set_field_value",
                 {{"table_id", s_.table_id}, {"record_id", "99999999"}, {"field", "title"}, {"value", "x"}},
                 {{"expect_tool_result_contains", "invalid_arguments"}}),
           calls("suggest_deletes", {{"table_id", s_.table_id}, {"record_ids", json::array({record_id(1)})}},
                 {{"expect_tool_result_contains", "not_found"}}),
           says("I could not do that.", {{"expect_tool_result_contains", "capability_missing"}})}))}));
  // The run may read and update, not delete.
  const json run = start({{"message", "Broken tools test"}, {"capabilities", {"read", "suggest_update"}}});
  const json done = wait_run(run["id"]);
  ASSERT_EQ(done["state"], "succeeded") << done.dump(2);
  EXPECT_EQ(done["answer"], "I could not do that.");
  // A client that connects after the run ended still gets every event from the start, and the stream ends.
  const auto late = events_of(run["id"]);
  ASSERT_FALSE(late.empty());
  EXPECT_EQ(late.front().event, "agent.run.started");
  EXPECT_EQ(late.back().event, "agent.run.succeeded");
  EXPECT_EQ(std::count_if(late.begin(), late.end(),
                          [](const SseEvent& e) { return e.event == "agent.run.tool_call"; }),
            3);
  EXPECT_FALSE(user.get_ok(s_.records + "/" + record_id(1))["suggested_delete"].get<bool>());
  for (const auto& c : chats())
    EXPECT_NE(c["outcome"], "expectation_failed") << c.dump(2);
}

TEST_F(AgentLoop, AModelThatNeverStopsIsEndedByTheStepBudget) {
  script(
      json::array({conversation("Loop forever", json::array({calls("list_tables", json::object())}), true)}));
  const json done = wait_run(start({{"message", "Loop forever"}, {"max_steps", 3}})["id"]);
  EXPECT_EQ(done["state"], "failed") << done.dump(2);
  EXPECT_EQ(done["error"]["code"], "step_budget_exhausted");
  EXPECT_EQ(done["steps"], 3);
  EXPECT_EQ(chats().size(), 3u);
  // Over the server's own budget is refused up front.
  EXPECT_EQ(
      user.post(snapshot_path(s_.snapshot_id) + "/agent/runs", {{"message", "x"}, {"max_steps", 500}}).status,
      422);
}

TEST_F(AgentLoop, ARunCanBeCancelled) {
  script(json::array({conversation("Slow", json::array({says("too late", {{"delay_ms", 20000}})}))}));
  const json run = start({{"message", "Slow thinking"}});
  std::this_thread::sleep_for(500ms);
  const auto asked = std::chrono::steady_clock::now();
  user.post_ok("/api/v1/agent/runs/" + run["id"].get<std::string>() + "/cancel");
  const json done = wait_run(run["id"], 10s);
  EXPECT_EQ(done["state"], "cancelled") << done.dump(2);
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 5s);
  EXPECT_TRUE(done["answer"].is_null());
}

TEST_F(AgentLoop, OldTurnsAreSummarisedAndSessionsContinue) {
  const std::string long_text(2400, 'w');
  script(
      json::array({conversation("SUMMARY REQUEST", json::array({says("SUMMARY: the user asked about w.")})),
                   conversation("First question", json::array({says("First answer " + long_text)})),
                   conversation("Second question", json::array({says("Second answer")}))}));
  const json first = wait_run(start({{"message", "First question " + long_text}})["id"]);
  ASSERT_EQ(first["state"], "succeeded") << first.dump(2);
  const json second =
      wait_run(start({{"message", "Second question"}, {"session_id", first["session_id"]}})["id"]);
  ASSERT_EQ(second["state"], "succeeded") << second.dump(2);
  EXPECT_EQ(second["answer"], "Second answer");
  const json session = user.get_ok("/api/v1/agent/sessions/" + first["session_id"].get<std::string>());
  EXPECT_EQ(session["summary"], "SUMMARY: the user asked about w.");
  EXPECT_GT(session["summarized_through"].get<int>(), 0);
  EXPECT_EQ(session["messages"].size(), 4u);  // the transcript keeps everything
  // The second run's model call carried the summary, not the old turns.
  const json last = chats().back()["body"]["messages"];
  bool has_summary = false;
  for (const auto& m : last) {
    const std::string content =
        m.value("content", json("")).is_string() ? m["content"].get<std::string>() : "";
    if (content.find("SUMMARY: the user asked about w.") != std::string::npos) has_summary = true;
    EXPECT_EQ(content.find("First answer"), std::string::npos) << content.substr(0, 100);
  }
  EXPECT_TRUE(has_summary) << last.dump(2);
  // A busy or foreign session is refused.
  EXPECT_EQ(user.post(snapshot_path(s_.snapshot_id) + "/agent/runs",
                      {{"message", "x"}, {"session_id", "00000000-0000-0000-0000-000000000000"}})
                .status,
            404);
}

TEST_F(AgentLoop, UsageWarningAndUserEndpointSettings) {
  script(json::array({conversation("Hello", json::array({says("Hi")}), true)}));
  user.patch_ok("/api/v1/agent/settings", {}, 405);  // PUT only
  const json settings = [&] {
    auto r =
        user.http.request("PUT", "/api/v1/agent/settings", json{{"token_warning_limit", 1}}.dump(),
                          {{"Authorization", "Bearer " + user.token}, {"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body);
  }();
  EXPECT_EQ(settings["token_warning_limit"], 1);
  const json run = start({{"message", "Hello"}});
  const auto events = events_of(run["id"]);
  bool warned = false;
  for (const auto& e : events)
    warned = warned || e.event == "agent.run.warning";
  EXPECT_TRUE(warned);
  EXPECT_TRUE(user.get_ok("/api/v1/agent/usage")["over_warning_limit"].get<bool>());

  // A user's own endpoint: the key is sealed at rest, and a loopback endpoint is refused by the guard.
  auto r = user.http.request(
      "PUT", "/api/v1/agent/settings",
      json{{"base_url", model.base_url() + "/v1"}, {"api_key", "sk-very-secret-key"}}.dump(),
      {{"Authorization", "Bearer " + user.token}, {"Content-Type", "application/json"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(json::parse(r.body)["has_api_key"].get<bool>());
  EXPECT_EQ(r.body.find("sk-very-secret-key"), std::string::npos);
  {
    pqxx::connection c{db_.url()};
    pqxx::read_transaction tx{c};
    const std::string sealed = tx.exec1("SELECT api_key_sealed FROM agent_settings")[0].as<std::string>();
    EXPECT_EQ(sealed.find("sk-very-secret-key"), std::string::npos);
    EXPECT_EQ(sealed.rfind("v1:", 0), 0u);
  }
  const json refused = wait_run(start({{"message", "Hello"}})["id"]);
  EXPECT_EQ(refused["state"], "failed") << refused.dump(2);
  EXPECT_EQ(refused["error"]["code"], "model_unreachable") << refused.dump(2);
  EXPECT_NE(refused["error"]["message"].get<std::string>().find("address_refused"), std::string::npos)
      << refused.dump(2);
}

}  // namespace
}  // namespace scratch::test

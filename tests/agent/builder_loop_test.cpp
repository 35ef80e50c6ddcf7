// The connector builder loop: the scripted model writes three drafts of a notes connector (a syntax error,
// then a script whose read() fails at run time, then the working example from scripts-lua/examples); each
// is validated and tested against the notes emulator and the diagnostics go back to the model, until the
// third passes and is saved as a version. A model that never gets it right spends the try budget.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "agent_fixture.hpp"
#include "support/emulator_process.hpp"

namespace scratch::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const std::string kToken = "jot_test_token_0123456789";

std::string example(const std::string& name) {
  std::ifstream in(std::string(SCRATCH_EMULATORS_DIR) + "/../../scripts-lua/examples/" + name);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Emulators {
  EmulatorProcess model{"openai"};
  EmulatorProcess notes{"notes", json::object(), 30};
};

class BuilderLoop : protected Emulators, public AgentTest {
 protected:
  BuilderLoop()
      : AgentTest({{"SCRATCH_AGENT_BASE_URL", model.base_url() + "/v1"},
                   {"SCRATCH_AGENT_API_KEY", "test-key"},
                   {"SCRATCH_AGENT_MODEL", "builder-model"},
                   {"SCRATCH_LUA_ALLOWED_HOSTS", "127.0.0.1:" + std::to_string(notes.port())},
                   {"SCRATCH_LUA_TIMEOUT_MS", "10000"}}) {}

  json wait_run(const std::string& id) {
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    json run;
    while (std::chrono::steady_clock::now() < deadline) {
      run = user.get_ok("/api/v1/agent/runs/" + id);
      if (run.value("state", "") != "running") return run;
      std::this_thread::sleep_for(200ms);
    }
    ADD_FAILURE() << "still running: " << run.dump(2);
    return run;
  }
  json body(const std::string& name) const {
    return {
        {"description", "the Notes API: GET /notes pages of notes with a bearer token"},
        {"samples", {{{"url", "GET /notes?page=1"}, {"status", 200}, {"body", {{"notes", json::array()}}}}}},
        {"name", name},
        {"config", {{"base_url", notes.base_url()}}},
        {"credentials", {{"api_token", kToken}}},
        {"max_tries", 4}};
  }
};

TEST_F(BuilderLoop, DraftsUntilTheTestPassesThenSaves) {
  const std::string working = example("notes.lua");
  ASSERT_FALSE(working.empty());
  // Draft 2: valid, but read() indexes a nil value at run time (a line the report must name).
  std::string broken = working;
  const auto at = broken.find("function read(");
  ASSERT_NE(at, std::string::npos);
  broken.insert(broken.find('\n', at) + 1, "  local boom = nil\n  local x = boom.field\n");
  const json turns = json::array({json{{"content", "Here it is:\n```lua\nfunction spec( return {} end\n```"}},
                                  json{{"content", "Fixed:\n```lua\n" + broken + "```"}},
                                  json{{"content", "Fixed again:\n```lua\n" + working + "```"}}});
  model.seed({{"conversations", json::array({json{{"match", "Write a connector for"}, {"turns", turns}}})}});
  const json run = user.post_ok("/api/v1/custom-connectors/builder/runs", body("notes-by-ai"), 202);
  const json done = wait_run(run["id"]);
  ASSERT_EQ(done["state"], "succeeded") << done.dump(2);
  const json& result = done["result"];
  EXPECT_EQ(result["tries"], 3);
  EXPECT_EQ(result["script"], working);
  EXPECT_TRUE(result["test"]["ok"].get<bool>()) << result["test"].dump(2);
  EXPECT_EQ(result["connector"]["version"]["version"], 1) << result.dump(2);
  // The transcript: system, request, then draft/feedback pairs and the last draft.
  EXPECT_EQ(result["transcript"].size(), 7u) << result["transcript"].dump(2);

  // The feedback the model got: the syntax error with its line, then the failing read with its line.
  const json chats = model.state()["chats"];
  ASSERT_EQ(chats.size(), 3u);
  const std::string feedback1 = chats[1]["body"]["messages"][3]["content"];
  EXPECT_NE(feedback1.find("syntax"), std::string::npos) << feedback1;
  EXPECT_NE(feedback1.find("\"line\":1"), std::string::npos) << feedback1;
  const std::string feedback2 = chats[2]["body"]["messages"][5]["content"];
  EXPECT_NE(feedback2.find("\"name\":\"read\""), std::string::npos) << feedback2;
  EXPECT_NE(feedback2.find("attempt to index"), std::string::npos) << feedback2;

  // The saved connector is usable: an account pinned to it can be created and checked.
  const json connectors = user.get_ok("/api/v1/custom-connectors");
  bool found = false;
  for (const auto& c : connectors.is_array() ? connectors : connectors.value("items", json::array()))
    found = found || c.value("name", "") == "notes-by-ai";
  EXPECT_TRUE(found) << connectors.dump(2);
}

TEST_F(BuilderLoop, TheTryBudgetEndsAModelThatNeverGetsItRight) {
  const json turns = json::array({json{{"content", "I cannot write Lua."}}});
  model.seed(
      {{"conversations",
        json::array({json{{"match", "Write a connector for"}, {"repeat_last", true}, {"turns", turns}}})}});
  const json done =
      wait_run(user.post_ok("/api/v1/custom-connectors/builder/runs", body("never"), 202)["id"]);
  EXPECT_EQ(done["state"], "failed") << done.dump(2);
  EXPECT_EQ(done["error"]["code"], "try_budget_exhausted");
  EXPECT_EQ(model.state()["chats"].size(), 4u);
  EXPECT_TRUE(done["result"]["script"].is_null());
  EXPECT_FALSE(done["request"].contains("credentials")) << "secrets stay out of the run record";
}

}  // namespace
}  // namespace scratch::test

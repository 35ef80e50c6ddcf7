// The MCP endpoint with a real MCP client: the official TypeScript SDK (tests/agent/mcp, installed by
// scripts/test.sh with `npm ci`) connects over Streamable HTTP with an agent token, lists the tools, fetches
// records, suggests a value and sees a missing capability, a bad argument and an unknown tool as errors.
// The raw JSON-RPC behaviour (parse errors, notifications, batches, origin checks) is checked over HTTP.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "agent_fixture.hpp"
#include "support/spawn.hpp"
#include "support/temp_dir.hpp"

namespace scratch::test {
namespace {

using nlohmann::json;
using Headers = std::vector<std::pair<std::string, std::string>>;

// Runs the Node client; its stdout as JSON (and the exit code).
json run_client(const std::map<std::string, std::string>& env, int& exit_code) {
  TempDir dir("mcp-client");
  const std::string out_path = dir.path() + "/out.json", err_path = dir.path() + "/err.txt";
  const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  SpawnSpec spec;
  spec.program = "node";
  spec.args = {std::string(SCRATCH_MCP_CLIENT_DIR) + "/client.mjs"};
  spec.env = child_environment(env);
  spec.cwd = SCRATCH_MCP_CLIENT_DIR;
  spec.stdout_fd = out;
  spec.stderr_fd = err;
  const pid_t pid = spawn_process(spec);
  ::close(out);
  ::close(err);
  int status = 0;
  ::waitpid(pid, &status, 0);
  exit_code = decode_wait_status(status);
  std::ifstream in(out_path);
  std::stringstream text;
  text << in.rdbuf();
  std::ifstream errs(err_path);
  std::stringstream err_text;
  err_text << errs.rdbuf();
  const json parsed = json::parse(text.str(), nullptr, false);
  if (parsed.is_discarded()) return {{"unparsed_stdout", text.str()}, {"stderr", err_text.str()}};
  return parsed;
}

class Mcp : public AgentTest {
 protected:
  HttpResponse rpc(const std::string& token, const std::string& body, const Headers& extra = {}) {
    HttpClient http = server_->client();
    Headers headers = {{"Authorization", "Bearer " + token},
                       {"Content-Type", "application/json"},
                       {"Accept", "application/json, text/event-stream"}};
    for (const auto& h : extra)
      headers.push_back(h);
    return http.request("POST", "/mcp", body, headers);
  }
};

TEST_F(Mcp, TheOfficialSdkClientReadsAndSuggests) {
  ASSERT_TRUE(std::filesystem::exists(std::string(SCRATCH_MCP_CLIENT_DIR) +
                                      "/node_modules/@modelcontextprotocol/sdk"))
      << "run `npm ci --prefix tests/agent/mcp` (scripts/test.sh does)";
  const json created = user.post_ok(snapshot_path(s_.snapshot_id) + "/agent-tokens",
                                    {{"name", "mcp"}, {"capabilities", {"read", "suggest_update"}}}, 201);
  int code = 0;
  const json out = run_client({{"MCP_URL", "http://127.0.0.1:" + std::to_string(server_->port()) + "/mcp"},
                               {"MCP_TOKEN", created["token"]},
                               {"TABLE_ID", s_.table_id},
                               {"RECORD_ID", record_id(2)}},
                              code);
  ASSERT_EQ(code, 0) << out.dump(2);
  EXPECT_EQ(out["server"]["info"]["name"], "scratch") << out.dump(2);
  EXPECT_TRUE(out["server"]["capabilities"].contains("tools")) << out.dump(2);

  // Tools listed with schemas: read and suggest_update ones, no delete.
  ASSERT_TRUE(out["list_tools"]["ok"].get<bool>()) << out.dump(2);
  std::set<std::string> names;
  for (const auto& t : out["list_tools"]["value"]) {
    names.insert(t["name"]);
    EXPECT_TRUE(t["has_schema"].get<bool>()) << t.dump();
  }
  EXPECT_TRUE(names.count("fetch_records") && names.count("set_field_value")) << out.dump(2);
  EXPECT_FALSE(names.count("suggest_deletes")) << out.dump(2);

  // fetch_records: structured content with the records.
  ASSERT_TRUE(out["fetch"]["ok"].get<bool>()) << out.dump(2);
  const json& fetched = out["fetch"]["value"];
  EXPECT_FALSE(fetched.value("isError", true)) << fetched.dump(2);
  EXPECT_EQ(fetched["structuredContent"]["records"].size(), 5u) << fetched.dump(2);
  EXPECT_EQ(fetched["content"][0]["type"], "text");

  // The suggestion landed for the owner to review.
  ASSERT_TRUE(out["suggest"]["ok"].get<bool>()) << out.dump(2);
  EXPECT_FALSE(out["suggest"]["value"].value("isError", true)) << out.dump(2);
  const json record = user.get_ok(s_.records + "/" + record_id(2));
  EXPECT_EQ(record["suggestions"]["title"], "Suggested over MCP");
  EXPECT_EQ(record["values"]["title"], "Blue plum 2");

  // A missing capability and a missing table are tool errors (isError, with the problem's code)...
  const json& denied = out["delete_without_capability"];
  ASSERT_TRUE(denied["ok"].get<bool>()) << out.dump(2);
  EXPECT_TRUE(denied["value"]["isError"].get<bool>()) << denied.dump(2);
  EXPECT_EQ(denied["value"]["structuredContent"]["code"], "capability_missing") << denied.dump(2);
  EXPECT_TRUE(out["missing_record"]["value"]["isError"].get<bool>()) << out.dump(2);
  EXPECT_EQ(out["missing_record"]["value"]["structuredContent"]["status"], 404) << out.dump(2);
  // ...bad arguments and unknown tools are MCP (JSON-RPC) errors the SDK throws.
  EXPECT_FALSE(out["bad_arguments"]["ok"].get<bool>()) << out.dump(2);
  EXPECT_EQ(out["bad_arguments"]["error"]["code"], -32602) << out.dump(2);
  EXPECT_FALSE(out["unknown_tool"]["ok"].get<bool>()) << out.dump(2);
  EXPECT_EQ(out["unknown_tool"]["error"]["code"], -32602) << out.dump(2);
  EXPECT_TRUE(out["ping"]["ok"].get<bool>()) << out.dump(2);
  // Nothing the agent did was deleted.
  EXPECT_FALSE(user.get_ok(s_.records + "/" + record_id(2))["suggested_delete"].get<bool>());
}

TEST_F(Mcp, JsonRpcEdges) {
  const std::string token =
      user.post_ok(snapshot_path(s_.snapshot_id) + "/agent-tokens", {{"name", "m"}}, 201)["token"];
  auto r = rpc(token, "{not json");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body)["error"]["code"], -32700);
  r = rpc(token, R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  EXPECT_EQ(r.status, 202) << r.body;
  r = rpc(token, R"({"jsonrpc":"2.0","id":7,"method":"no/such"})");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body)["error"]["code"], -32601);
  EXPECT_EQ(json::parse(r.body)["id"], 7);
  r = rpc(token, R"([{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"notifications/x"},)"
                 R"({"jsonrpc":"2.0","id":2,"method":"tools/list"}])");
  ASSERT_EQ(r.status, 200) << r.body;
  const json batch = json::parse(r.body);
  ASSERT_EQ(batch.size(), 2u) << r.body;
  EXPECT_EQ(batch[1]["id"], 2);
  EXPECT_FALSE(batch[1]["result"]["tools"].empty());
  // initialize negotiates a version it knows.
  r = rpc(token, R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-03-26",)"
                 R"("capabilities":{},"clientInfo":{"name":"t","version":"1"}}})");
  EXPECT_EQ(json::parse(r.body)["result"]["protocolVersion"], "2025-03-26") << r.body;
  // No token: 401; another origin: 403; GET: 405.
  HttpClient http = server_->client();
  EXPECT_EQ(http.request("POST", "/mcp", R"({"jsonrpc":"2.0","id":1,"method":"ping"})",
                         {{"Content-Type", "application/json"}})
                .status,
            401);
  r = rpc(token, R"({"jsonrpc":"2.0","id":1,"method":"ping"})", {{"Origin", "https://evil.example"}});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(http.request("GET", "/mcp", std::nullopt, {{"Authorization", "Bearer " + token}}).status, 405);
  // A user's own token works with ?snapshot_id=, and without one offers only the builder tools.
  r = http.request("POST", "/mcp?snapshot_id=" + s_.snapshot_id,
                   R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})",
                   {{"Authorization", "Bearer " + user.token}, {"Content-Type", "application/json"}});
  EXPECT_GT(json::parse(r.body)["result"]["tools"].size(), 10u) << r.body;
  r = http.request("POST", "/mcp", R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})",
                   {{"Authorization", "Bearer " + user.token}, {"Content-Type", "application/json"}});
  for (const auto& t : json::parse(r.body)["result"]["tools"])
    EXPECT_NE(t["name"], "fetch_records") << r.body;
  // The builder's tools over MCP: a broken script's validation comes back as structured content.
  const json call = {
      {"jsonrpc", "2.0"},
      {"id", 9},
      {"method", "tools/call"},
      {"params", {{"name", "validate_connector"}, {"arguments", {{"script", "function spec( end"}}}}}};
  r = http.request("POST", "/mcp", call.dump(),
                   {{"Authorization", "Bearer " + user.token}, {"Content-Type", "application/json"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const json validated = json::parse(r.body)["result"]["structuredContent"];
  EXPECT_FALSE(validated["valid"].get<bool>()) << r.body;
  EXPECT_EQ(validated["errors"][0]["kind"], "syntax") << r.body;
  EXPECT_EQ(validated["errors"][0]["line"], 1) << r.body;
  // An agent token without build_connectors does not get them.
  r = rpc(token, call.dump());
  EXPECT_EQ(json::parse(r.body)["result"]["structuredContent"]["code"], "capability_missing") << r.body;
}

}  // namespace
}  // namespace scratch::test

#include "agent_fixture.hpp"

namespace scratch::test {

using nlohmann::json;

ApiUser AgentTest::agent(const std::vector<std::string>& capabilities) {
  const json created = user.post_ok(snapshot_path(s_.snapshot_id) + "/agent-tokens",
                                    {{"name", "agent"}, {"capabilities", capabilities}}, 201);
  return with_token(created.value("token", ""));
}

HttpResponse AgentTest::tool(const ApiUser& as, const std::string& name, const json& args,
                             const std::string& snapshot_id) const {
  return as.post(snapshot_path(snapshot_id.empty() ? s_.snapshot_id : snapshot_id) + "/agent/tools/" + name,
                 args);
}

json AgentTest::tool_ok(const ApiUser& as, const std::string& name, const json& args) const {
  const auto r = tool(as, name, args);
  EXPECT_EQ(r.status, 200) << name << ": " << r.body;
  return json::parse(r.body, nullptr, false);
}

std::string AgentTest::record_id(int source_id) const {
  const json r = by_remote_id(records_, std::to_string(source_id));
  return r.is_object() ? r.value("id", "") : "";
}

json problem_of(const HttpResponse& r) {
  const json p = json::parse(r.body, nullptr, false);
  EXPECT_TRUE(p.is_object() && p.contains("code")) << r.body;
  return p;
}

}  // namespace scratch::test

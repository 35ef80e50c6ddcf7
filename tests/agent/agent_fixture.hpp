// What the agent tests share: the seeded `items` snapshot (12 records), agent tokens with chosen
// capabilities, and a tool call helper.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "snapshot_fixture.hpp"

namespace scratch::test {

class AgentTest : public SeededSnapshotTest<12> {
 protected:
  explicit AgentTest(Env env = {}) : SeededSnapshotTest<12>(std::move(env)) {}

  // An agent token for the seeded snapshot with exactly these capabilities.
  ApiUser agent(const std::vector<std::string>& capabilities);
  // POST .../agent/tools/{name} as `as`; the raw response.
  HttpResponse tool(const ApiUser& as, const std::string& name, const nlohmann::json& args,
                    const std::string& snapshot_id = "") const;
  nlohmann::json tool_ok(const ApiUser& as, const std::string& name, const nlohmann::json& args) const;
  // The seeded record with this remote id (source primary key).
  std::string record_id(int source_id) const;
};

// The problem+json of a response (asserting it is one).
nlohmann::json problem_of(const HttpResponse& r);

}  // namespace scratch::test

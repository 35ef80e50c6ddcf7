// The agent's tools: one registry behind the HTTP tool endpoints, the MCP endpoint and the in-server agent
// loop, so every client gets the same names, JSON Schemas, capability checks and errors. Every write is a
// suggestion the owner reviews; no tool can edit, publish or download.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "auth/principal.hpp"

namespace scratch::snapshots {
struct SnapshotServices;
}
namespace scratch::custom_connectors {
class CustomConnectorService;
}

namespace scratch::agent {

class ReferenceLibrary;
class UrlLoader;

// Who calls and on which snapshot (empty for the connector-building tools run outside a snapshot).
struct ToolContext {
  auth::Principal principal;
  std::string snapshot_id;
};

struct Tool {
  std::string name;
  std::string description;      // written for a model: what it does, what it returns
  nlohmann::json input_schema;  // JSON Schema of the arguments object
  std::string capability;       // needed by an agent token ("read", "suggest_update"...)
  bool needs_snapshot = true;   // false: the connector-building tools
  std::function<nlohmann::json(const ToolContext&, const nlohmann::json&)> run;
};

class AgentTools {
 public:
  AgentTools(snapshots::SnapshotServices& snapshots, ReferenceLibrary& library, const UrlLoader& urls,
             custom_connectors::CustomConnectorService& connectors);

  const std::vector<Tool>& all() const { return tools_; }
  const Tool* find(const std::string& name) const;
  // The tools this caller may use: {name, description, input_schema, capability}.
  nlohmann::json describe(const auth::Principal& principal, bool with_snapshot = true) const;

  // Checks the capability and the arguments against the schema, then runs the tool. Throws http::ApiError:
  // 404 unknown_tool, 403 capability_missing, 422 invalid_arguments (with errors naming each path), and
  // whatever the tool's own checks raise.
  nlohmann::json call(const ToolContext& context, const std::string& name,
                      const nlohmann::json& arguments) const;

 private:
  void add(Tool tool) { tools_.push_back(std::move(tool)); }
  void add_read_tools();
  void add_suggest_tools();
  void add_view_tools();
  void add_library_tools();
  void add_builder_tools();

  snapshots::SnapshotServices& snapshots_;
  ReferenceLibrary& library_;
  const UrlLoader& urls_;
  custom_connectors::CustomConnectorService& connectors_;
  std::vector<Tool> tools_;
};

}  // namespace scratch::agent

#include "snapshots/agent_capabilities.hpp"

#include <algorithm>

#include "http/problem.hpp"

namespace scratch::snapshots {

const std::vector<Capability>& agent_capabilities() {
  static const std::vector<Capability> all = {
      {"read", "list tables and fields, fetch and search records (always granted)"},
      {"suggest_update", "suggest new field values (set, append, search-and-replace)"},
      {"suggest_create", "suggest new records"},
      {"suggest_delete", "suggest deleting records"},
      {"scratch_columns", "add or remove scratch columns: local only, never published"},
      {"view_filters", "set a table's active view filter"},
      {"load_url", "load a public web page's text through the server (private addresses refused)"},
      {"read_uploads", "read the owner's uploaded reference files and style guides"},
      {"build_connectors", "validate, test and save the owner's custom Lua connectors"},
      {"suggest", "legacy: all three suggest_* capabilities"},
  };
  return all;
}

bool has_capability(const auth::Principal& principal, const std::string& capability) {
  if (!principal.is_agent()) return true;
  const auto& caps = principal.agent_capabilities;
  if (std::find(caps.begin(), caps.end(), capability) != caps.end()) return true;
  if (capability == "read") return true;  // a token for a snapshot can always read it
  return capability.rfind("suggest_", 0) == 0 && std::find(caps.begin(), caps.end(), "suggest") != caps.end();
}

void require_capability(const auth::Principal& principal, const std::string& capability) {
  if (has_capability(principal, capability)) return;
  throw http::ApiError(403, "capability_missing", "The agent token lacks a capability",
                       "this agent token was not given the '" + capability + "' capability")
      .with("capability", capability);
}

std::vector<std::string> parse_capabilities(const nlohmann::json& value) {
  if (value.is_null()) return {"read", "suggest"};
  if (!value.is_array()) throw http::errors::validation("capabilities", "must be an array of strings");
  std::vector<std::string> out = {"read"};
  for (const auto& c : value) {
    if (!c.is_string()) throw http::errors::validation("capabilities", "must be an array of strings");
    const auto name = c.get<std::string>();
    const auto& all = agent_capabilities();
    if (std::none_of(all.begin(), all.end(), [&](const Capability& k) { return name == k.name; })) {
      std::string known;
      for (const auto& k : all)
        known += (known.empty() ? "" : ", ") + std::string(k.name);
      throw http::errors::validation("capabilities",
                                     "unknown capability '" + name + "' (known: " + known + ")");
    }
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  return out;
}

}  // namespace scratch::snapshots

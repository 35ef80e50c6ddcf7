// What an agent token may do on its snapshot, chosen by the owner when creating it. Owners (sessions, API
// tokens) have every capability. "suggest" (the original default) grants the three suggest_* ones.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "auth/principal.hpp"

namespace scratch::snapshots {

struct Capability {
  const char* name;
  const char* description;
};

// Every capability a token can carry, in a stable order (the API documents this list).
const std::vector<Capability>& agent_capabilities();

bool has_capability(const auth::Principal& principal, const std::string& capability);
// 403 capability_missing naming the capability, for an agent token without it.
void require_capability(const auth::Principal& principal, const std::string& capability);

// A token request's capabilities: known names only (422 validation_failed naming an unknown one), no
// duplicates; "read" is always included. Absent: the default set.
std::vector<std::string> parse_capabilities(const nlohmann::json& value);

}  // namespace scratch::snapshots

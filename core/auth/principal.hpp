// Who is calling: the result of authenticating a request.
#pragma once

#include <string>
#include <vector>

namespace scratch::auth {

struct Principal {
  std::string user_id;
  std::string email;
  std::string role;          // "USER" or "ADMIN"
  std::string session_id;    // set when authenticated with an access token
  std::string api_token_id;  // set when authenticated with an API token
  // Set when authenticated with an agent token: it acts for `user_id` on this one snapshot only.
  std::string agent_token_id;
  std::string agent_snapshot_id;
  std::vector<std::string> agent_capabilities;

  bool is_admin() const { return role == "ADMIN"; }
  bool is_agent() const { return !agent_token_id.empty(); }
  const char* method() const {
    return is_agent() ? "agent_token" : api_token_id.empty() ? "session" : "api_token";
  }
};

}  // namespace scratch::auth

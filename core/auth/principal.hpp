// Who is calling: the result of authenticating a request.
#pragma once

#include <string>

namespace scratch::auth {

struct Principal {
  std::string user_id;
  std::string email;
  std::string role;          // "USER" or "ADMIN"
  std::string session_id;    // set when authenticated with an access token
  std::string api_token_id;  // set when authenticated with an API token

  bool is_admin() const { return role == "ADMIN"; }
  const char* method() const { return api_token_id.empty() ? "session" : "api_token"; }
};

}  // namespace scratch::auth

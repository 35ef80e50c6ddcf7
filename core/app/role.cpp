#include "app/role.hpp"

#include <algorithm>

namespace scratch::app {

std::optional<Role> parse_role(const std::string& text) {
  std::string t = text;
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  if (t == "all" || t == "monolith") return Role::all;
  if (t == "api" || t == "frontend") return Role::api;
  if (t == "worker") return Role::worker;
  if (t == "cron") return Role::cron;
  return std::nullopt;
}

const char* role_name(Role role) {
  switch (role) {
    case Role::all:
      return "all";
    case Role::api:
      return "api";
    case Role::worker:
      return "worker";
    case Role::cron:
      return "cron";
  }
  return "all";
}

}  // namespace scratch::app

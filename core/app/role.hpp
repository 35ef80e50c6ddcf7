// Process roles: one binary runs as api, worker, cron, or all of them (the default for one machine).
#pragma once

#include <optional>
#include <string>

namespace scratch::app {

enum class Role { all, api, worker, cron };

// Accepts all|api|worker|cron and the SERVICE_TYPE names MONOLITH|FRONTEND|WORKER|CRON (any case).
std::optional<Role> parse_role(const std::string& text);
const char* role_name(Role role);

inline bool serves_api(Role r) {
  return r == Role::all || r == Role::api;
}
inline bool runs_workers(Role r) {
  return r == Role::all || r == Role::worker;
}
inline bool runs_cron(Role r) {
  return r == Role::all || r == Role::cron;
}

}  // namespace scratch::app

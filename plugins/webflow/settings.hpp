// An account's settings, read once per call from its config and credentials.
#pragma once

#include <scratch/plugin.hpp>
#include <string>

namespace scratch::webflow {

struct Settings {
  std::string base_url;  // without a trailing slash, e.g. https://api.webflow.com/v2
  std::string site_id;
  std::string api_token;
  double requests_per_second = 1;  // the plan's requests_per_minute / 60
  bool live = false;               // write through the /live endpoints
  std::string account_id;          // only to key caches
};

// Throws Error("invalid_request") for a missing site_id or token (the host validates the schema first).
Settings parse_settings(const plugin::Call& call);

}  // namespace scratch::webflow

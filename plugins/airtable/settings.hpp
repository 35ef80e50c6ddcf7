// An account's config and credentials, checked and with defaults applied.
#pragma once

#include <scratch/plugin.hpp>
#include <string>

namespace scratch::airtable {

struct Settings {
  std::string base_url;  // without a trailing slash, e.g. https://api.airtable.com/v0
  std::string base_id;
  std::string api_key;
  long penalty_ms = 0;             // wait after a 429, which Airtable sends without Retry-After
  double requests_per_second = 0;  // this account's rate
  std::string account_id;          // for the schema cache key
};

// Throws Error("invalid_config" / "invalid_credentials") for values the host's schema check let through.
Settings parse_settings(const plugin::Call& call);

}  // namespace scratch::airtable

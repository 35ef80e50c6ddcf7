// An account's config and credentials, checked and with defaults applied.
#pragma once

#include <scratch/plugin.hpp>
#include <string>

namespace scratch::wix {

struct Settings {
  std::string base_url;  // without a trailing slash, e.g. https://www.wixapis.com
  std::string site_id;
  std::string api_key;
  double requests_per_second = 0;  // this account's rate (requests_per_minute / 60)
  std::string account_id;          // for the schema cache key
};

// Throws Error("invalid_config" / "invalid_credentials") for values the host's schema check let through.
Settings parse_settings(const plugin::Call& call);

}  // namespace scratch::wix

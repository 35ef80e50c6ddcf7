// An account's config and credentials, checked and with defaults applied.
#pragma once

#include <scratch/plugin.hpp>
#include <string>

namespace scratch::youtube {

struct Settings {
  std::string base_url;    // without a trailing slash, e.g. https://www.googleapis.com/youtube/v3
  std::string channel_id;  // empty: the token's own channel (mine=true)
  std::string access_token;
  double requests_per_second = 0;
};

// Throws Error("invalid_config" / "invalid_credentials") for values the host's schema check let through.
Settings parse_settings(const plugin::Call& call);

}  // namespace scratch::youtube

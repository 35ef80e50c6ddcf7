// An account's config and credentials, checked and with defaults applied.
#pragma once

#include <scratch/plugin.hpp>
#include <string>
#include <vector>

namespace scratch::wordpress {

struct Settings {
  std::string site_url;  // without a trailing slash, e.g. https://example.com
  std::string api_root;  // {site_url}/wp-json/wp/v2
  bool force_delete = false;
  std::vector<std::string> post_types;  // rest_base or slug; empty: every content type
  double requests_per_second = 0;
  std::string username;
  std::string application_password;
};

// Throws Error("invalid_config" / "invalid_credentials") for values the host's schema check let through.
Settings parse_settings(const plugin::Call& call);

}  // namespace scratch::wordpress

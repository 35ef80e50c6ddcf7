#include "settings.hpp"

#include <scratch/plugin_util.hpp>

#include "spec.hpp"

namespace scratch::youtube {

using plugin::Error;
using plugin::string_or;

Settings parse_settings(const plugin::Call& call) {
  Settings s;
  s.base_url = plugin::base_url_from(call.config, "base_url", kDefaultBaseUrl);
  s.channel_id = string_or(call.config, "channel_id", "");
  s.access_token = string_or(call.credentials, "access_token", "");
  if (s.access_token.empty()) {
    throw Error("invalid_credentials", "credentials.access_token (a Google OAuth access token) is required");
  }
  s.requests_per_second =
      plugin::positive_number_or(call.config, "requests_per_second", kDefaultRequestsPerSecond);
  return s;
}

}  // namespace scratch::youtube

#include "settings.hpp"

#include <scratch/plugin_util.hpp>

#include "spec.hpp"

namespace scratch::wix {

using plugin::Error;
using plugin::string_or;

Settings parse_settings(const plugin::Call& call) {
  Settings s;
  s.base_url = plugin::base_url_from(call.config, "base_url", kDefaultBaseUrl);
  s.site_id = string_or(call.config, "site_id", "");
  if (s.site_id.empty()) throw Error("invalid_config", "config.site_id (the Wix site's id) is required");
  s.api_key = string_or(call.credentials, "api_key", "");
  if (s.api_key.empty())
    throw Error("invalid_credentials", "credentials.api_key (a Wix API key) is required");
  s.requests_per_second =
      plugin::positive_number_or(call.config, "requests_per_minute", kDefaultRequestsPerMinute) / 60.0;
  s.account_id = string_or(call.context, "account_id", "");
  return s;
}

}  // namespace scratch::wix

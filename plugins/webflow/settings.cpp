#include "settings.hpp"

#include <scratch/plugin_util.hpp>

#include "spec.hpp"

namespace scratch::webflow {

using plugin::Error;
using plugin::string_or;

Settings parse_settings(const plugin::Call& call) {
  Settings s;
  s.base_url = plugin::without_trailing_slashes(string_or(call.config, "base_url", kDefaultBaseUrl));
  s.site_id = string_or(call.config, "site_id", "");
  s.api_token = string_or(call.credentials, "api_token", "");
  if (s.site_id.empty()) throw Error("invalid_request", "the Webflow account has no site_id");
  if (s.api_token.empty()) throw Error("auth_failed", "the Webflow account has no API token");
  s.requests_per_second =
      plugin::positive_number_or(call.config, "requests_per_minute", kDefaultRequestsPerMinute) / 60.0;
  s.live = string_or(call.config, "publish", "staged") == "live";
  s.account_id = string_or(call.context, "account_id", "");
  return s;
}

}  // namespace scratch::webflow

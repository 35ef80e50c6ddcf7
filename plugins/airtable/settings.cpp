#include "settings.hpp"

#include <scratch/plugin_util.hpp>

#include "spec.hpp"

namespace scratch::airtable {

using plugin::Error;
using plugin::number_or;
using plugin::string_or;

Settings parse_settings(const plugin::Call& call) {
  Settings s;
  s.base_url = plugin::base_url_from(call.config, "base_url", kDefaultBaseUrl);
  s.base_id = string_or(call.config, "base_id", "");
  if (s.base_id.empty())
    throw Error("invalid_config", "config.base_id (the app... id of the base) is required");
  s.api_key = string_or(call.credentials, "api_key", "");
  if (s.api_key.empty()) {
    throw Error("invalid_credentials", "credentials.api_key (an Airtable personal access token) is required");
  }
  const double penalty = number_or(call.config, "rate_limit_penalty_seconds", kDefaultPenaltySeconds);
  s.penalty_ms = penalty > 0 ? static_cast<long>(penalty * 1000) : 0;
  s.requests_per_second =
      plugin::positive_number_or(call.config, "requests_per_second", kDefaultRequestsPerSecond);
  s.account_id = string_or(call.context, "account_id", "");
  return s;
}

}  // namespace scratch::airtable

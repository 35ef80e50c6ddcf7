#include "settings.hpp"

#include "spec.hpp"

namespace scratch::webflow {

using plugin::Error;
using plugin::json;

namespace {

std::string string_of(const json& object, const char* key, const std::string& fallback) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

}  // namespace

Settings parse_settings(const plugin::Call& call) {
  Settings s;
  s.base_url = string_of(call.config, "base_url", kDefaultBaseUrl);
  while (!s.base_url.empty() && s.base_url.back() == '/')
    s.base_url.pop_back();
  s.site_id = string_of(call.config, "site_id", "");
  s.api_token = string_of(call.credentials, "api_token", "");
  if (s.site_id.empty()) throw Error("invalid_request", "the Webflow account has no site_id");
  if (s.api_token.empty()) throw Error("auth_failed", "the Webflow account has no API token");
  double per_minute = kDefaultRequestsPerMinute;
  const auto rpm = call.config.find("requests_per_minute");
  if (rpm != call.config.end() && rpm->is_number() && rpm->get<double>() > 0) per_minute = rpm->get<double>();
  s.requests_per_second = per_minute / 60.0;
  s.live = string_of(call.config, "publish", "staged") == "live";
  s.account_id = string_of(call.context, "account_id", "");
  return s;
}

}  // namespace scratch::webflow

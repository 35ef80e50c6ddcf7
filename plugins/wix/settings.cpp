#include "settings.hpp"

#include "spec.hpp"

namespace scratch::wix {

using plugin::Error;
using plugin::json;

namespace {

std::string string_or(const json& object, const char* key, const std::string& fallback) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

}  // namespace

Settings parse_settings(const plugin::Call& call) {
  Settings s;
  s.base_url = string_or(call.config, "base_url", kDefaultBaseUrl);
  while (!s.base_url.empty() && s.base_url.back() == '/')
    s.base_url.pop_back();
  if (s.base_url.rfind("http://", 0) != 0 && s.base_url.rfind("https://", 0) != 0)
    throw Error("invalid_config", "config.base_url must start with https:// (it is " + s.base_url + ")");
  s.site_id = string_or(call.config, "site_id", "");
  if (s.site_id.empty()) throw Error("invalid_config", "config.site_id (the Wix site's id) is required");
  s.api_key = string_or(call.credentials, "api_key", "");
  if (s.api_key.empty())
    throw Error("invalid_credentials", "credentials.api_key (a Wix API key) is required");
  const auto rpm = call.config.find("requests_per_minute");
  const double per_minute = rpm != call.config.end() && rpm->is_number() && rpm->get<double>() > 0
                                ? rpm->get<double>()
                                : kDefaultRequestsPerMinute;
  s.requests_per_second = per_minute / 60.0;
  s.account_id = string_or(call.context, "account_id", "");
  return s;
}

}  // namespace scratch::wix

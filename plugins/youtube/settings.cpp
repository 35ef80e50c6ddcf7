#include "settings.hpp"

#include "spec.hpp"

namespace scratch::youtube {

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
  if (s.base_url.rfind("http://", 0) != 0 && s.base_url.rfind("https://", 0) != 0) {
    throw Error("invalid_config", "config.base_url must start with https:// (it is " + s.base_url + ")");
  }
  s.channel_id = string_or(call.config, "channel_id", "");
  s.access_token = string_or(call.credentials, "access_token", "");
  if (s.access_token.empty()) {
    throw Error("invalid_credentials", "credentials.access_token (a Google OAuth access token) is required");
  }
  const auto rate = call.config.find("requests_per_second");
  s.requests_per_second = rate != call.config.end() && rate->is_number() && rate->get<double>() > 0
                              ? rate->get<double>()
                              : kDefaultRequestsPerSecond;
  return s;
}

}  // namespace scratch::youtube

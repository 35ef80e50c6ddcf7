#include "settings.hpp"

#include "spec.hpp"

namespace scratch::airtable {

using plugin::Error;
using plugin::json;

namespace {

std::string string_or(const json& object, const char* key, const std::string& fallback) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

double number_or(const json& object, const char* key, double fallback) {
  const auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<double>() : fallback;
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
  s.base_id = string_or(call.config, "base_id", "");
  if (s.base_id.empty())
    throw Error("invalid_config", "config.base_id (the app... id of the base) is required");
  s.api_key = string_or(call.credentials, "api_key", "");
  if (s.api_key.empty()) {
    throw Error("invalid_credentials", "credentials.api_key (an Airtable personal access token) is required");
  }
  const double penalty = number_or(call.config, "rate_limit_penalty_seconds", kDefaultPenaltySeconds);
  s.penalty_ms = penalty > 0 ? static_cast<long>(penalty * 1000) : 0;
  const double rate = number_or(call.config, "requests_per_second", kDefaultRequestsPerSecond);
  s.requests_per_second = rate > 0 ? rate : kDefaultRequestsPerSecond;
  s.account_id = string_or(call.context, "account_id", "");
  return s;
}

}  // namespace scratch::airtable

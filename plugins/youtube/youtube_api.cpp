#include "youtube_api.hpp"

#include <scratch/plugin_util.hpp>

namespace scratch::youtube {

using plugin::Error;
using plugin::json;

bool ApiResult::quota_exceeded() const {
  return status == 403 && (reason == "quotaExceeded" || reason == "dailyLimitExceeded");
}

bool ApiResult::rate_limited() const {
  return status == 429 ||
         (status == 403 && (reason == "rateLimitExceeded" || reason == "userRateLimitExceeded"));
}

std::string ApiResult::describe() const {
  std::string out = std::to_string(status);
  if (!reason.empty()) out += " " + reason;
  if (!message.empty() && message != reason) out += ": " + message;
  return out;
}

ApiResult YouTubeApi::send(const std::string& method, const std::string& path_and_query,
                           const json& body) const {
  const plugin::HttpResponse response = host_.http(
      plugin::json_request(method, settings_.base_url + path_and_query, "Bearer " + settings_.access_token,
                           body, settings_.requests_per_second));

  ApiResult result;
  result.status = response.status;
  result.body = plugin::parse_lenient(response.body);
  if (!result.ok()) {
    const json error = result.body.is_object() ? result.body.value("error", json()) : json();
    if (error.is_object()) {
      result.message = error.value("message", "");
      const json details = error.value("errors", json::array());
      if (details.is_array() && !details.empty() && details[0].is_object())
        result.reason = details[0].value("reason", "");
    }
    if (result.reason.empty() && result.message.empty()) {
      // Not Google's envelope (a proxy, an outage page): keep a little of the text.
      result.message = response.body.substr(0, 200);
    }
  }
  return result;
}

std::string quota_message(const ApiResult& result) {
  return "YouTube's daily quota for this Google Cloud project is used up (" + result.describe() +
         "); it resets at midnight Pacific time: publish or download again after that, or ask Google for "
         "a higher quota (and set config.daily_quota_units)";
}

std::string error_code_of(const ApiResult& result) {
  if (result.quota_exceeded()) return "quota_exceeded";
  if (result.rate_limited()) return "rate_limited";
  if (result.status == 401 || result.status == 403) return "auth_failed";
  if (result.status == 404) return "not_found";
  if (result.status >= 500) return "connection_failed";
  return "invalid_value";
}

Error call_error(const ApiResult& result, const std::string& doing) {
  const std::string what = "YouTube answered " + result.describe() + " (" + doing + ")";
  if (result.quota_exceeded()) return Error("quota_exceeded", quota_message(result), false);
  if (result.rate_limited()) return Error("rate_limited", what + ": YouTube is throttling requests", true);
  if (result.status == 401) {
    return Error("auth_failed", "YouTube refused the OAuth access token (" + result.describe() +
                                    "): sign in to Google again and update credentials.access_token");
  }
  if (result.status == 403) {
    return Error("auth_failed", what +
                                    ": the token needs the youtube or youtube.force-ssl scope and access "
                                    "to the channel");
  }
  if (result.status >= 500) return Error("connection_failed", what, true);
  return Error(error_code_of(result), what);
}

}  // namespace scratch::youtube

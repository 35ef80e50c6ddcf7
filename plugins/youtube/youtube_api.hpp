// Requests to the YouTube Data API through the host's HTTP client, and what its answers mean.
#pragma once

#include <scratch/plugin.hpp>
#include <string>

#include "settings.hpp"

namespace scratch::youtube {

// An answer: the status, the parsed body, and for errors Google's first reason and the message. Google's
// envelope is {"error": {"code", "message", "errors": [{"message", "domain", "reason"}]}}.
struct ApiResult {
  int status = 0;
  plugin::json body;
  std::string reason;
  std::string message;
  bool ok() const { return status >= 200 && status < 300; }
  // The daily quota is spent: nothing more will succeed until midnight Pacific time.
  bool quota_exceeded() const;
  // Short-term throttling (429, or 403 rateLimitExceeded / userRateLimitExceeded): retry later.
  bool rate_limited() const;
  // "403 quotaExceeded: The request cannot be completed...": for error messages.
  std::string describe() const;
};

class YouTubeApi {
 public:
  YouTubeApi(plugin::Host& host, const Settings& settings) : host_(host), settings_(settings) {}

  // `path_and_query` is relative to base_url and already encoded, e.g. "/channels?part=id&mine=true". A
  // body, when given, is sent as JSON. Throws the host's Error when no answer arrived.
  ApiResult send(const std::string& method, const std::string& path_and_query,
                 const plugin::json& body = plugin::json()) const;
  ApiResult get(const std::string& path_and_query) const { return send("GET", path_and_query); }

  const Settings& settings() const { return settings_; }

 private:
  plugin::Host& host_;
  const Settings& settings_;
};

// The Error a failed call ends with: quota_exceeded, rate_limited (retryable), auth_failed (401/403),
// not_found (404), invalid_value (400), connection_failed (5xx, retryable). `doing` says what was attempted.
plugin::Error call_error(const ApiResult& result, const std::string& doing);

// The contract's error code for a refusal of one video's update (400 and friends).
std::string error_code_of(const ApiResult& result);

// The user-facing message for a spent daily quota.
std::string quota_message(const ApiResult& result);

}  // namespace scratch::youtube

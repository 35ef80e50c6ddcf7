// Requests to the Webflow Data API through the host's HTTP client, and Webflow's errors as plugin errors.
#pragma once

#include <scratch/plugin.hpp>
#include <string>

#include "settings.hpp"

namespace scratch::webflow {

class WebflowApi {
 public:
  WebflowApi(plugin::Host& host, const Settings& settings) : host_(host), settings_(settings) {}

  // One request (path below base_url, e.g. "/sites/abc"); returns whatever status came back. Throws the
  // host's Error (timeout, connect_failed, ...) when no response arrived.
  plugin::HttpResponse send(const std::string& method, const std::string& path,
                            const plugin::json* body = nullptr) const;
  // GET that must answer 2xx with JSON; anything else throws error_for(...).
  plugin::json get(const std::string& path, const std::string& what) const;

  const Settings& settings() const { return settings_; }
  plugin::Host& host() const { return host_; }

 private:
  plugin::Host& host_;
  const Settings& settings_;
};

// Webflow's own words for a failed answer: its `message`, then each `details` entry ("param: description").
std::string service_message(const plugin::HttpResponse& response);

// The plugin error for a non-2xx answer. `what` says what we were doing ("listing items of Posts").
// 401/403 auth_failed, 429 rate_limited (retryable), 404 not_found, 400 invalid_value (validation_error) or
// invalid_request, 409 conflict, 5xx connection_failed (retryable).
plugin::Error error_for(const plugin::HttpResponse& response, const std::string& what);

// A 2xx body as JSON; throws Error("invalid_response") when it is not JSON.
plugin::json json_body(const plugin::HttpResponse& response, const std::string& what);

inline bool is_success(int status) {
  return status >= 200 && status < 300;
}

}  // namespace scratch::webflow

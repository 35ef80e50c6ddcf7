// Requests to a WordPress site's REST API through the host's HTTP client, and what its answers mean.
#pragma once

#include <map>
#include <scratch/plugin.hpp>
#include <string>

#include "settings.hpp"

namespace scratch::wordpress {

// An answer: the status, headers, the parsed body, and for errors WordPress's code, message and data. Its
// envelope is {"code", "message", "data": {"status", "params"?, "details"?}}.
struct ApiResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  plugin::json body;
  std::string code;
  std::string message;
  plugin::json data;
  bool ok() const { return status >= 200 && status < 300; }
  // "400 rest_invalid_param: Invalid parameter(s): title (title: title contains ...)": for error messages.
  std::string describe() const;
};

class WordPressApi {
 public:
  WordPressApi(plugin::Host& host, const Settings& settings) : host_(host), settings_(settings) {}

  // `path` is relative to {site_url}/wp-json/wp/v2 and already encoded, e.g. "/posts?per_page=100". A body,
  // when given, is sent as JSON. Throws the host's Error when no answer arrived (timeout, refused, ...).
  ApiResult send(const std::string& method, const std::string& path,
                 const plugin::json& body = plugin::json()) const;
  ApiResult get(const std::string& path) const { return send("GET", path); }

  const Settings& settings() const { return settings_; }
  plugin::Host& host() const { return host_; }

 private:
  plugin::Host& host_;
  const Settings& settings_;
};

// The Error a failed call ends with: 401/403 auth_failed (naming the application password), 404 not_found,
// 400 invalid_value, 429 rate_limited, 5xx connection_failed (the last two retryable). `doing` says what
// was attempted.
plugin::Error call_error(const ApiResult& result, const std::string& doing);

// The contract's error code for a refusal of one post's write (400 and friends).
std::string error_code_of(const ApiResult& result);

}  // namespace scratch::wordpress

// Requests to the Wix REST API through the host's HTTP client, and what its answers mean.
#pragma once

#include <scratch/plugin.hpp>
#include <string>

#include "settings.hpp"

namespace scratch::wix {

// An answer: the status, the parsed body, and for errors what Wix said. Wix's envelope is
// {"message", "details": {"applicationError": {"code", "description", "data"}}} or
// {"message", "details": {"validationError": {"fieldViolations": [{"field", "description"}]}}}.
struct ApiResult {
  int status = 0;
  plugin::json body;
  std::string code;        // applicationError.code (e.g. WDE0073), empty for a validation error
  std::string message;     // the envelope's message
  std::string violations;  // "field: description; ..." of a validationError
  bool ok() const { return status >= 200 && status < 300; }
  // "404 WDE0073: Item [x] does not exist in collection [Books]." for error messages.
  std::string describe() const;
};

class WixApi {
 public:
  WixApi(plugin::Host& host, const Settings& settings) : host_(host), settings_(settings) {}

  // `path` is relative to base_url and already encoded, e.g. "/wix-data/v2/items/query". A body, when
  // given, is sent as JSON. Throws the host's Error when no answer arrived (timeout, connection refused...).
  ApiResult send(const std::string& method, const std::string& path,
                 const plugin::json& body = plugin::json()) const;
  const Settings& settings() const { return settings_; }

 private:
  plugin::Host& host_;
  const Settings& settings_;
};

// The Error a refused call ends with: 401/403 auth_failed, 404 not_found, 400 invalid_value (a validation
// error) or invalid_request, 409 constraint_violation, 429 rate_limited, 5xx connection_failed (the last two
// retryable). `doing` says what was attempted.
plugin::Error call_error(const ApiResult& result, const std::string& doing);

}  // namespace scratch::wix

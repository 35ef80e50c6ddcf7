// Requests to Airtable through the host's HTTP client, and what its answers mean.
#pragma once

#include <scratch/plugin.hpp>
#include <string>

#include "settings.hpp"

namespace scratch::airtable {

// An answer: the status, the parsed body, and for errors Airtable's type and message. Airtable's envelope is
// {"error": {"type", "message"}}, and some 404s carry only {"error": "NOT_FOUND"}.
struct ApiResult {
  int status = 0;
  plugin::json body;
  std::string type;
  std::string message;
  bool ok() const { return status >= 200 && status < 300; }
  // "422 INVALID_VALUE_FOR_COLUMN: Field "X" cannot accept the provided value": for error messages.
  std::string describe() const;
};

class AirtableApi {
 public:
  AirtableApi(plugin::Host& host, const Settings& settings) : host_(host), settings_(settings) {}

  // `path` is relative to base_url and already encoded, e.g. "/meta/whoami". A body, when given, is sent
  // as JSON. Throws the host's Error when no answer arrived (timeout, connection refused, ...).
  ApiResult send(const std::string& method, const std::string& path,
                 const plugin::json& body = plugin::json()) const;
  ApiResult get(const std::string& path) const { return send("GET", path); }

  // "/{baseId}/{tableId}", encoded.
  std::string table_path(const std::string& table_id) const;
  const Settings& settings() const { return settings_; }

 private:
  plugin::Host& host_;
  const Settings& settings_;
};

// The Error a failed call ends with: 401/403 auth_failed, 404 not_found, 422 by Airtable's type, 429
// rate_limited, 5xx connection_failed (the last two retryable). `doing` says what was attempted.
plugin::Error call_error(const ApiResult& result, const std::string& doing);

// The contract's error code for a refusal of one record's values (422 and friends).
std::string error_code_of(const ApiResult& result);

}  // namespace scratch::airtable

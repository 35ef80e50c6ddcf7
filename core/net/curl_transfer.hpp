// One HTTP exchange over libcurl, without retries: the step HttpClient repeats.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "net/address_policy.hpp"
#include "net/http_types.hpp"

namespace scratch::net {

// Runs curl_global_init exactly once per process; throws std::runtime_error if it fails.
void ensure_curl_initialized();

struct TransferSettings {
  std::size_t max_response_bytes = 0;
  std::string user_agent{};
  std::function<bool()> cancelled{};  // polled during the transfer; may be empty
  // When set, the destination is checked against it (see address_guard.hpp): refused addresses end the
  // transfer with the non-retryable error "address_refused", and no proxy is used.
  const AddressPolicy* address_policy = nullptr;
};

struct TransferResult {
  std::optional<HttpResponse> response{};  // set for any HTTP status
  std::optional<HttpError> error{};        // set when no complete response arrived
  std::size_t body_bytes = 0;              // response body bytes received, also when aborted
};

// Expects a request that passed validate_request. Uses a fresh easy handle, so concurrent calls share
// nothing. Only http/https, never follows redirects, connect timeout min(10 s, request.timeout), total
// timeout request.timeout. The body is capped at max_response_bytes while it streams in, and a
// Content-Length announcing more aborts before any body is read.
TransferResult perform_transfer(const HttpRequest& request, const TransferSettings& settings);

}  // namespace scratch::net

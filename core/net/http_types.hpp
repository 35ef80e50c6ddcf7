// The values exchanged with HttpClient: a request, and either a response or an error.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace scratch::net {

struct HttpRequest {
  std::string method = "GET";  // sent verbatim; must be an HTTP token
  std::string url{};           // http:// or https:// only
  std::vector<std::pair<std::string, std::string>> headers{};
  std::string body{};
  std::chrono::milliseconds timeout{30000};  // per attempt, not for the whole send
};

struct HttpResponse {
  long status = 0;
  std::vector<std::pair<std::string, std::string>> headers{};  // in arrival order, names lower-cased
  std::string body{};
  int attempts = 1;
};

struct HttpError {
  // "timeout", "connect_failed", "dns_failed", "too_large", "cancelled", "invalid_request", "address_refused"
  // (an address policy refused the target),
  // "rate_limited", plus "tls_failed" (handshake or certificate) and "transfer_failed" (the connection
  // broke after it was established: nothing or only part of a response arrived).
  std::string code{};
  std::string message{};  // for humans; never contains the URL's query or userinfo
  bool retryable = false;
};

// Exactly one of the two is set.
struct HttpOutcome {
  std::optional<HttpResponse> response{};
  std::optional<HttpError> error{};
};

}  // namespace scratch::net

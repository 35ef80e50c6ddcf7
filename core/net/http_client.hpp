// The one outbound HTTP client: every connector plugin's requests go through it (via the host), so rate
// limits, retries, size caps and request logging hold for all plugins alike.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

#include "net/address_policy.hpp"
#include "net/http_types.hpp"

namespace scratch::net {

struct HttpClientOptions {
  int max_retries = 4;  // attempts = 1 + max_retries at most
  std::chrono::milliseconds base_backoff{250};
  std::chrono::milliseconds max_backoff{30000};
  // Longest wait accepted before an attempt: a longer Retry-After returns the response as it is, and a
  // longer wait for a rate-limit token fails with "rate_limited".
  std::chrono::milliseconds max_retry_after{60000};
  std::size_t max_response_bytes = 32 << 20;
  std::string user_agent = "scratch/0.1";  // a request's own User-Agent header wins
};

struct CallContext {
  std::string log_tag{};  // who is calling, e.g. the plugin name; appears in the log line
  std::string
      rate_key{};  // e.g. a connector account id; requests sharing it share the rate; empty = no limit
  double requests_per_second = 0;     // 0 = unlimited; each attempt (retries too) takes a token
  std::function<bool()> cancelled{};  // polled before attempts, during waits and during transfers
  // The wait after a 429 without Retry-After (0: the usual backoff); for services that document a fixed
  // penalty instead of sending the header (Airtable: 30 s).
  std::chrono::milliseconds retry_after_429{0};
  // For requests made on behalf of untrusted code (Lua connectors): when set, every attempt resolves the
  // host itself, refuses it unless every address passes the policy, pins curl to those addresses, checks
  // each address again as curl connects (DNS rebinding), and uses no proxy. A refusal is the error
  // "address_refused" (never retried). Not owned; must outlive send(). Redirects are never followed, so a
  // caller that follows one makes a new send, checked the same way. nullptr: no checks (trusted plugins).
  const AddressPolicy* address_policy = nullptr;
};

// Thread-safe: one instance may serve many threads at once (each send uses its own curl handle).
//
// send() returns a response for any HTTP status, after retries, with the attempts counted. It retries 429
// and 503 for every method, and 502, 504 and connection-level errors (timeout, connect, DNS, broken
// transfer) only for GET, HEAD, PUT, DELETE and OPTIONS. Waits honour Retry-After on 429/503 (seconds or
// HTTP-date), or context.retry_after_429 for a 429 without one, and otherwise back off exponentially with
// jitter; a Retry-After above max_retry_after ends the retries at once. The request timeout applies per
// attempt, so a send can take longer in total. Each attempt writes one info line: tag, method,
// redact_url(url), status or error, duration, bytes and attempt number; never headers or bodies. A send that
// ends before its first attempt (invalid request, cancelled, rate_limited) writes one such line too.
class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});

  HttpOutcome send(const HttpRequest& request, const CallContext& context = {}) const;

 private:
  HttpClientOptions options_;
};

}  // namespace scratch::net

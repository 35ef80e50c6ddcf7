// The retry loop around single transfers: validation, rate limiting, retry decisions, waits and logging.
#include "net/http_client.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string_view>

#include "net/cancellable_sleep.hpp"
#include "net/curl_transfer.hpp"
#include "net/rate_limiter.hpp"
#include "net/redact_url.hpp"
#include "net/request_validation.hpp"
#include "net/retry_after.hpp"
#include "net/retry_policy.hpp"

namespace scratch::net {
namespace {

using Clock = std::chrono::steady_clock;

HttpOutcome fail(std::string code, std::string message, bool retryable) {
  return HttpOutcome{std::nullopt, HttpError{std::move(code), std::move(message), retryable}};
}

HttpOutcome cancelled_outcome() {
  return fail("cancelled", "the request was cancelled", false);
}

// Method and tag come from plugins and are logged before (or without) validation: control characters and
// spaces become '?' and length is bounded, so that they can neither forge log lines nor flood them.
std::string log_field(std::string_view text) {
  constexpr std::size_t max_length = 64;
  if (text.empty()) return "-";
  std::string out(text.substr(0, max_length));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) c = '?';
  }
  if (text.size() > max_length) out += "...";
  return out;
}

// The attempt's outcome is either an HTTP status or an error code; the URL is already redacted.
void log_attempt(const CallContext& context, const HttpRequest& request, const std::string& redacted_url,
                 const std::string& result, long long duration_ms, std::size_t bytes, int attempt) {
  spdlog::info("http_client tag={} {} {} {} duration_ms={} bytes={} attempt={}", log_field(context.log_tag),
               log_field(request.method), redacted_url, result, duration_ms, bytes, attempt);
}

std::optional<std::chrono::milliseconds> retry_after_of(const HttpResponse& response) {
  for (const auto& [name, value] : response.headers) {
    if (name == "retry-after") return parse_retry_after(value);
  }
  return std::nullopt;
}

}  // namespace

HttpClient::HttpClient(HttpClientOptions options) : options_(std::move(options)) {
  ensure_curl_initialized();
}

HttpOutcome HttpClient::send(const HttpRequest& request, const CallContext& context) const {
  const std::string redacted_url = redact_url(request.url);
  // For sends that end before any attempt was made, so that every send leaves a trace in the log.
  const auto end_early = [&](HttpOutcome outcome, int attempt) {
    log_attempt(context, request, redacted_url, "error=" + outcome.error->code, 0, 0, attempt);
    return outcome;
  };

  if (auto reason = validate_request(request)) {
    return end_early(fail("invalid_request", *reason, false), 1);
  }
  const double rate = context.requests_per_second;
  if (std::isnan(rate) || rate < 0) {
    return end_early(fail("invalid_request", "requests_per_second must not be negative", false), 1);
  }

  const bool idempotent = is_idempotent_method(request.method);
  const int max_attempts = 1 + std::max(0, options_.max_retries);
  const TransferSettings settings{options_.max_response_bytes, options_.user_agent, context.cancelled,
                                  context.address_policy};
  const auto is_cancelled = [&] { return context.cancelled && context.cancelled(); };
  std::optional<HttpResponse> last_response;

  for (int attempt = 1;; ++attempt) {
    if (is_cancelled()) return attempt == 1 ? end_early(cancelled_outcome(), attempt) : cancelled_outcome();
    switch (RateLimiter::process_wide().acquire(context.rate_key, rate, options_.max_retry_after,
                                                context.cancelled)) {
      case RateLimiter::Result::acquired:
        break;
      case RateLimiter::Result::cancelled:
        return attempt == 1 ? end_early(cancelled_outcome(), attempt) : cancelled_outcome();
      case RateLimiter::Result::wait_too_long:
        // Mid-retry, the response we already have says more than a local rate-limit error would.
        if (last_response) return HttpOutcome{std::move(last_response), std::nullopt};
        return end_early(
            fail("rate_limited", "the wait for a rate-limit token for this key is too long", true), attempt);
    }

    const auto started = Clock::now();
    TransferResult result = perform_transfer(request, settings);
    const auto duration_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();

    std::chrono::milliseconds wait = backoff_delay(attempt - 1, options_.base_backoff, options_.max_backoff);
    if (result.response) {
      HttpResponse& response = *result.response;
      response.attempts = attempt;
      log_attempt(context, request, redacted_url, "status=" + std::to_string(response.status), duration_ms,
                  result.body_bytes, attempt);
      if (!is_retryable_status(response.status, idempotent) || attempt >= max_attempts) {
        return HttpOutcome{std::move(result.response), std::nullopt};
      }
      if (response.status == 429 || response.status == 503) {
        std::optional<std::chrono::milliseconds> asked = retry_after_of(response);
        if (!asked && response.status == 429 && context.retry_after_429.count() > 0)
          asked = context.retry_after_429;
        if (asked) {
          // The server will not serve us within what we are willing to wait: let the caller decide.
          if (*asked > options_.max_retry_after) return HttpOutcome{std::move(result.response), std::nullopt};
          wait = *asked;
        }
      }
      last_response = std::move(result.response);
    } else {
      const HttpError& error = *result.error;
      log_attempt(context, request, redacted_url, "error=" + error.code, duration_ms, result.body_bytes,
                  attempt);
      if (!error.retryable || !idempotent || attempt >= max_attempts) {
        return HttpOutcome{std::nullopt, std::move(result.error)};
      }
      last_response.reset();
    }

    if (!sleep_unless_cancelled(wait, context.cancelled)) return cancelled_outcome();
  }
}

}  // namespace scratch::net

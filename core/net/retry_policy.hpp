// When a failed attempt may be repeated, and how long to wait before repeating it.
#pragma once

#include <chrono>
#include <string_view>

namespace scratch::net {

// GET, HEAD, PUT, DELETE and OPTIONS: repeating them cannot apply a change twice. Methods are
// case-sensitive, so "get" is not GET.
bool is_idempotent_method(std::string_view method);

// 429 and 503 mean the server did not process the request, so any method may retry. 502 and 504 leave it
// open whether the upstream acted, so only idempotent methods retry them.
bool is_retryable_status(long status, bool idempotent);

// Exponential backoff with "equal jitter": half of min(max, base * 2^retry) plus a random share of the
// other half. The fixed half keeps a floor under the wait; the random half spreads out clients that failed
// together. `retry` counts from 0 (the wait before the second attempt).
std::chrono::milliseconds backoff_delay(int retry, std::chrono::milliseconds base,
                                        std::chrono::milliseconds max);

}  // namespace scratch::net

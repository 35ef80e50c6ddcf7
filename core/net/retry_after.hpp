// Parsing of the Retry-After response header (RFC 9110 section 10.2.3).
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace scratch::net {

// How long the server asks us to wait: delta-seconds ("120") or an HTTP-date (IMF-fixdate, or the obsolete
// RFC 850 and asctime forms), relative to `now`. A date in the past means "no wait" (zero). Returns nullopt
// for anything else, so a malformed header falls back to ordinary backoff. Huge values saturate rather than
// overflow; callers compare them against their own limit.
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace scratch::net

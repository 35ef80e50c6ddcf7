// Retry-After: delta-seconds parsed by hand, HTTP-dates by libcurl's date parser (which knows all three
// historical formats).
#include "net/retry_after.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <string>

namespace scratch::net {
namespace {

// Far beyond any sensible Retry-After, yet small enough that milliseconds cannot overflow.
constexpr long long max_seconds = 10LL * 365 * 24 * 3600;

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now) {
  value = trim(value);
  if (value.empty()) return std::nullopt;

  if (std::all_of(value.begin(), value.end(), is_digit)) {
    long long seconds = 0;
    for (char c : value) {
      seconds = std::min(max_seconds, seconds * 10 + (c - '0'));
    }
    return std::chrono::seconds(seconds);
  }

  // An HTTP-date always starts with a day name; this keeps curl's lenient parser from reading things like
  // "-5" or "1.5" as dates.
  if (!std::isalpha(static_cast<unsigned char>(value.front()))) return std::nullopt;
  const std::time_t when = curl_getdate(std::string(value).c_str(), nullptr);
  if (when == -1) return std::nullopt;
  const auto delta = std::chrono::system_clock::from_time_t(when) - now;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(delta);
  return std::clamp(ms, std::chrono::milliseconds::zero(),
                    std::chrono::milliseconds(std::chrono::seconds(max_seconds)));
}

}  // namespace scratch::net

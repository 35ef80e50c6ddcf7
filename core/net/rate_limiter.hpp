// Request-rate limits keyed by a string (typically a connector account id). One process-wide instance is
// shared by every HttpClient, so all plugins and threads talking for one account draw from one budget.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

namespace scratch::net {

// A token bucket holding at most one token per key: calls are spaced 1/rate apart (plus 2% headroom) and an
// idle key builds up no burst, because upstream "N requests per second" limits are often enforced over
// sub-second windows. Waiters are served in the order they arrived (each reserves the next free slot under
// the lock).
class RateLimiter {
 public:
  enum class Result { acquired, cancelled, wait_too_long };

  // The instance HttpClient uses.
  static RateLimiter& process_wide();

  // Takes one token for `key`, waiting for it when needed. An empty key or a rate that is not a positive
  // finite number means "no limit". If the token would only come after `max_wait`, takes nothing and
  // returns wait_too_long at once. A wait cancelled through `cancelled` still consumes its slot: handing it
  // back would let later waiters, already scheduled behind it, run closer together than the rate allows.
  Result acquire(const std::string& key, double per_second, std::chrono::milliseconds max_wait,
                 const std::function<bool()>& cancelled = {});

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> next_free_;
};

}  // namespace scratch::net

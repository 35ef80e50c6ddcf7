// Per-key request spacing (a one-token bucket) with cancellable waits.
#include "net/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

#include "net/cancellable_sleep.hpp"

namespace scratch::net {
namespace {

// Keys are account ids, so the map stays small; past this size idle keys are dropped so that a caller
// inventing keys cannot grow it without bound. An idle key carries no state worth keeping.
constexpr std::size_t prune_threshold = 4096;

// Calls are spaced 2% wider than 1/rate. A server counts arrivals, which reach it a little earlier or later
// than our slots (thread wake-up, connect); at exactly 1/rate, N+1 of them could fall into one of its
// 1-second windows. 2% is 4 ms at 5 per second, far more than that jitter, and costs 2% of throughput.
constexpr double spacing_headroom = 1.02;

}  // namespace

RateLimiter& RateLimiter::process_wide() {
  // Never destroyed: threads still sending while the process exits must not find it gone.
  static RateLimiter* instance = new RateLimiter;
  return *instance;
}

RateLimiter::Result RateLimiter::acquire(const std::string& key, double per_second,
                                         std::chrono::milliseconds max_wait,
                                         const std::function<bool()>& cancelled) {
  if (key.empty() || !std::isfinite(per_second) || per_second <= 0) return Result::acquired;
  using Clock = std::chrono::steady_clock;
  const auto interval = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(spacing_headroom / per_second));

  Clock::time_point slot;
  {
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    if (next_free_.size() >= prune_threshold) {
      std::erase_if(next_free_, [now](const auto& entry) { return entry.second <= now; });
    }
    auto& next_free = next_free_[key];
    slot = std::max(now, next_free);
    if (slot - now > max_wait) return Result::wait_too_long;
    next_free = slot + interval;
  }
  return sleep_until_unless_cancelled(slot, cancelled) ? Result::acquired : Result::cancelled;
}

}  // namespace scratch::net

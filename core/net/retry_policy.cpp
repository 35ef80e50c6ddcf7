// Retry decisions and jittered exponential backoff.
#include "net/retry_policy.hpp"

#include <algorithm>
#include <random>

namespace scratch::net {

bool is_idempotent_method(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" || method == "OPTIONS";
}

bool is_retryable_status(long status, bool idempotent) {
  if (status == 429 || status == 503) return true;
  return idempotent && (status == 502 || status == 504);
}

std::chrono::milliseconds backoff_delay(int retry, std::chrono::milliseconds base,
                                        std::chrono::milliseconds max) {
  using std::chrono::milliseconds;
  base = std::max(base, milliseconds::zero());
  max = std::max(max, milliseconds::zero());
  // Doubling stops at max (checked before multiplying), so large retry counts cannot overflow.
  milliseconds ceiling = std::min(base, max);
  for (int i = 0; i < retry && ceiling < max; ++i)
    ceiling = ceiling > max / 2 ? max : ceiling * 2;

  const auto half = ceiling.count() / 2;
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<long long> jitter(0, ceiling.count() - half);
  return milliseconds(half + jitter(rng));
}

}  // namespace scratch::net

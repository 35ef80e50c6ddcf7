// Sliced sleeping with a cancellation check between slices.
#include "net/cancellable_sleep.hpp"

#include <algorithm>
#include <thread>

namespace scratch::net {
namespace {

// Short enough that cancellation feels immediate, long enough not to burn CPU while waiting.
constexpr std::chrono::milliseconds slice{20};

}  // namespace

bool sleep_until_unless_cancelled(std::chrono::steady_clock::time_point deadline,
                                  const std::function<bool()>& cancelled) {
  for (;;) {
    if (cancelled && cancelled()) return false;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return true;
    std::this_thread::sleep_until(std::min(deadline, now + slice));
  }
}

bool sleep_unless_cancelled(std::chrono::milliseconds duration, const std::function<bool()>& cancelled) {
  return sleep_until_unless_cancelled(std::chrono::steady_clock::now() + duration, cancelled);
}

}  // namespace scratch::net

// Waiting that a caller's cancellation check can cut short. Waits are sliced so that a cancelled send
// returns within one slice instead of after a long Retry-After or rate-limit wait.
#pragma once

#include <chrono>
#include <functional>

namespace scratch::net {

// Sleeps until the deadline, looking at `cancelled` (if set) every few tens of milliseconds.
// Returns false as soon as it reports cancellation, true once the deadline has passed.
bool sleep_until_unless_cancelled(std::chrono::steady_clock::time_point deadline,
                                  const std::function<bool()>& cancelled);

// Same, for a duration from now.
bool sleep_unless_cancelled(std::chrono::milliseconds duration, const std::function<bool()>& cancelled);

}  // namespace scratch::net

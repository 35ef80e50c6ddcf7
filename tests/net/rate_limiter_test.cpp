// RateLimiter on its own instance: spacing per key, independence of keys, cancellation, wait limit.
#include "net/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace scratch::net {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Result = RateLimiter::Result;

TEST(RateLimiter, SpacesCallsOnOneKey) {
  RateLimiter limiter;
  const auto start = Clock::now();
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(limiter.acquire("k", 10, 10s), Result::acquired);
  const auto elapsed = Clock::now() - start;
  EXPECT_GE(elapsed, 490ms);
  EXPECT_LT(elapsed, 900ms);
}

TEST(RateLimiter, KeysAreIndependentAndEmptyKeyIsUnlimited) {
  RateLimiter limiter;
  EXPECT_EQ(limiter.acquire("a", 1, 10s), Result::acquired);
  const auto start = Clock::now();
  EXPECT_EQ(limiter.acquire("b", 1, 10s), Result::acquired);
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(limiter.acquire("", 1, 10s), Result::acquired);
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(limiter.acquire("c", 0, 10s), Result::acquired);
  EXPECT_LT(Clock::now() - start, 100ms);
}

TEST(RateLimiter, ConcurrentWaitersShareTheRate) {
  RateLimiter limiter;
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 3; ++i)
        EXPECT_EQ(limiter.acquire("shared", 20, 10s), Result::acquired);
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_GE(Clock::now() - start, 540ms);  // 12 tokens at 20/s: eleven gaps of 50 ms
}

TEST(RateLimiter, RefusesAWaitLongerThanAllowed) {
  RateLimiter limiter;
  EXPECT_EQ(limiter.acquire("k", 0.5, 100ms), Result::acquired);
  const auto start = Clock::now();
  EXPECT_EQ(limiter.acquire("k", 0.5, 100ms), Result::wait_too_long);
  EXPECT_LT(Clock::now() - start, 50ms);
}

TEST(RateLimiter, WaitCanBeCancelled) {
  RateLimiter limiter;
  EXPECT_EQ(limiter.acquire("k", 0.2, 10s), Result::acquired);
  std::atomic<bool> cancel{false};
  std::thread canceller([&] {
    std::this_thread::sleep_for(100ms);
    cancel = true;
  });
  const auto start = Clock::now();
  EXPECT_EQ(limiter.acquire("k", 0.2, 10s, [&] { return cancel.load(); }), Result::cancelled);
  canceller.join();
  EXPECT_LT(Clock::now() - start, 500ms);
}

}  // namespace
}  // namespace scratch::net

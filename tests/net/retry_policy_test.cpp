// Retry decisions and the bounds of jittered backoff.
#include "net/retry_policy.hpp"

#include <gtest/gtest.h>

namespace scratch::net {
namespace {

using namespace std::chrono_literals;

TEST(RetryPolicy, IdempotentMethods) {
  for (const char* m : {"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
    EXPECT_TRUE(is_idempotent_method(m)) << m;
  for (const char* m : {"POST", "PATCH", "get", "CONNECT"})
    EXPECT_FALSE(is_idempotent_method(m)) << m;
}

TEST(RetryPolicy, RetryableStatuses) {
  EXPECT_TRUE(is_retryable_status(429, false));
  EXPECT_TRUE(is_retryable_status(503, false));
  EXPECT_FALSE(is_retryable_status(502, false));
  EXPECT_FALSE(is_retryable_status(504, false));
  EXPECT_TRUE(is_retryable_status(502, true));
  EXPECT_TRUE(is_retryable_status(504, true));
  for (long s : {200L, 301L, 400L, 401L, 404L, 500L, 501L})
    EXPECT_FALSE(is_retryable_status(s, true)) << s;
}

TEST(RetryPolicy, BackoffGrowsWithinHalfAndFullCeiling) {
  for (int i = 0; i < 200; ++i) {
    for (int retry = 0; retry < 4; ++retry) {
      const auto ceiling = 100ms * (1 << retry);
      const auto d = backoff_delay(retry, 100ms, 10s);
      EXPECT_GE(d, ceiling / 2);
      EXPECT_LE(d, ceiling);
    }
  }
}

TEST(RetryPolicy, BackoffIsCappedAndNeverOverflows) {
  EXPECT_LE(backoff_delay(60, 250ms, 30s), 30s);
  EXPECT_GE(backoff_delay(60, 250ms, 30s), 15s);
  EXPECT_LE(backoff_delay(1000, 1ms, std::chrono::milliseconds::max()), std::chrono::milliseconds::max());
  EXPECT_GE(backoff_delay(1000, 1ms, std::chrono::milliseconds::max()), std::chrono::milliseconds::max() / 2);
  EXPECT_EQ(backoff_delay(3, 0ms, 1s), 0ms);
}

}  // namespace
}  // namespace scratch::net

// parse_retry_after: delta-seconds and the three HTTP-date forms.
#include "net/retry_after.hpp"

#include <gtest/gtest.h>

namespace scratch::net {
namespace {

using namespace std::chrono_literals;

// Sun, 06 Nov 1994 08:49:37 GMT, the RFC's example date.
const auto example_date = std::chrono::system_clock::from_time_t(784111777);

TEST(RetryAfter, DeltaSeconds) {
  EXPECT_EQ(parse_retry_after("0"), 0ms);
  EXPECT_EQ(parse_retry_after("1"), 1000ms);
  EXPECT_EQ(parse_retry_after(" 120 "), 120000ms);
}

TEST(RetryAfter, HugeDeltaSaturatesInsteadOfOverflowing) {
  const auto parsed = parse_retry_after("99999999999999999999999999");
  ASSERT_TRUE(parsed);
  EXPECT_GT(*parsed, std::chrono::hours(24 * 365));
}

TEST(RetryAfter, HttpDatesRelativeToNow) {
  const auto now = example_date - 30s;
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), 30000ms);   // IMF-fixdate
  EXPECT_EQ(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now), 30000ms);  // RFC 850
  EXPECT_EQ(parse_retry_after("Sun Nov  6 08:49:37 1994", now), 30000ms);        // asctime
}

TEST(RetryAfter, DateInThePastMeansNoWait) {
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", example_date + 1h), 0ms);
}

TEST(RetryAfter, GarbageIsRejected) {
  for (const char* value : {"", "  ", "-5", "1.5", "soon", "12abc", "+3"}) {
    EXPECT_FALSE(parse_retry_after(value)) << value;
  }
}

}  // namespace
}  // namespace scratch::net

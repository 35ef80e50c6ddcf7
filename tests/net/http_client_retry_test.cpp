// HttpClient retries, Retry-After, cancellation and per-key rate limits, against the scripted server.
#include <gtest/gtest.h>

#include <atomic>
#include <ctime>
#include <thread>

#include "net/http_client.hpp"
#include "net/test_http_server.hpp"

namespace scratch::net {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using test::ScriptedReply;
using test::TestHttpServer;

HttpClientOptions fast_options() {
  HttpClientOptions o;
  o.base_backoff = 10ms;
  o.max_backoff = 50ms;
  return o;
}

ScriptedReply status_reply(int status, std::vector<std::pair<std::string, std::string>> headers = {}) {
  return ScriptedReply{.status = status, .headers = std::move(headers)};
}

// Rate keys are process-wide; a fresh key per test keeps tests independent.
std::string unique_key(const std::string& base) {
  static std::atomic<int> counter{0};
  return base + "-" + std::to_string(++counter) + "-" +
         std::to_string(Clock::now().time_since_epoch().count());
}

TEST(HttpClientRetry, TooManyRequestsWithRetryAfterSecondsWaitsThenSucceeds) {
  TestHttpServer server;
  server.enqueue(status_reply(429, {{"Retry-After", "1"}}));
  server.enqueue({.body = "done"});
  const auto start = Clock::now();

  const HttpOutcome out = HttpClient(fast_options()).send({.url = server.url()});

  ASSERT_TRUE(out.response);
  EXPECT_EQ(out.response->status, 200);
  EXPECT_EQ(out.response->body, "done");
  EXPECT_EQ(out.response->attempts, 2);
  EXPECT_GE(Clock::now() - start, 1s);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_GE(requests[1].received_at - requests[0].received_at, 1s);
}

// Airtable sends a bare 429 and documents a fixed penalty: the caller's penalty replaces the short backoff,
// while a 429 that does carry Retry-After still follows the header.
TEST(HttpClientRetry, BareTooManyRequestsWaitsTheCallersPenalty) {
  TestHttpServer server;
  server.enqueue(status_reply(429));
  server.enqueue(status_reply(429, {{"Retry-After", "0"}}));
  server.enqueue({.body = "done"});
  CallContext context;
  context.retry_after_429 = 700ms;

  const HttpOutcome out = HttpClient(fast_options()).send({.url = server.url()}, context);

  ASSERT_TRUE(out.response);
  EXPECT_EQ(out.response->status, 200);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_GE(requests[1].received_at - requests[0].received_at, 700ms);
  EXPECT_LT(requests[2].received_at - requests[1].received_at, 500ms);
}

TEST(HttpClientRetry, RetryAfterHttpDateInThePastRetriesAtOnce) {
  TestHttpServer server;
  server.enqueue(status_reply(503, {{"Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"}}));
  HttpClientOptions options = fast_options();
  options.base_backoff = 5s;  // must not be used: the header decides
  const auto start = Clock::now();
  const HttpOutcome out = HttpClient(options).send({.url = server.url()});
  ASSERT_TRUE(out.response);
  EXPECT_EQ(out.response->status, 200);
  EXPECT_EQ(out.response->attempts, 2);
  EXPECT_LT(Clock::now() - start, 2s);
}

TEST(HttpClientRetry, ServiceUnavailableThreeTimesThenSuccess) {
  TestHttpServer server;
  for (int i = 0; i < 3; ++i)
    server.enqueue(status_reply(503));
  const HttpOutcome out = HttpClient(fast_options()).send({.url = server.url()});
  ASSERT_TRUE(out.response);
  EXPECT_EQ(out.response->status, 200);
  EXPECT_EQ(out.response->attempts, 4);
  EXPECT_EQ(server.request_count(), 4u);
}

TEST(HttpClientRetry, ServiceUnavailableForeverReturnsTheLast503WithBackoff) {
  TestHttpServer server;
  server.set_fallback({.status = 503, .body = "down"});
  HttpClientOptions options;
  options.max_retries = 3;
  options.base_backoff = 100ms;
  options.max_backoff = 1s;
  const auto start = Clock::now();

  const HttpOutcome out = HttpClient(options).send({.url = server.url()});

  ASSERT_TRUE(out.response);
  EXPECT_EQ(out.response->status, 503);
  EXPECT_EQ(out.response->body, "down");
  EXPECT_EQ(out.response->attempts, 4);
  EXPECT_EQ(server.request_count(), 4u);
  // Equal jitter waits at least half of 100, 200 and 400 ms.
  EXPECT_GE(Clock::now() - start, 350ms);
  const auto requests = server.requests();
  for (std::size_t i = 1; i < requests.size(); ++i) {
    EXPECT_GE(requests[i].received_at - requests[i - 1].received_at, 50ms * (1 << (i - 1))) << i;
  }
}

TEST(HttpClientRetry, RetryAfterBeyondTheLimitReturnsAtOnce) {
  TestHttpServer server;
  server.enqueue(status_reply(429, {{"Retry-After", "3600"}}));
  const auto start = Clock::now();
  const HttpOutcome out = HttpClient(fast_options()).send({.url = server.url()});
  ASSERT_TRUE(out.response);
  EXPECT_EQ(out.response->status, 429);
  EXPECT_EQ(out.response->attempts, 1);
  EXPECT_EQ(server.request_count(), 1u);
  EXPECT_LT(Clock::now() - start, 1s);
}

TEST(HttpClientRetry, RetryAfterDateBeyondTheLimitReturnsAtOnce) {
  TestHttpServer server;
  server.enqueue(status_reply(503, {{"Retry-After", "Fri, 31 Dec 2100 23:59:59 GMT"}}));
  const HttpOutcome out = HttpClient(fast_options()).send({.url = server.url()});
  ASSERT_TRUE(out.response);
  EXPECT_EQ(out.response->status, 503);
  EXPECT_EQ(out.response->attempts, 1);
}

TEST(HttpClientRetry, PostIsNotRetriedOnBadGatewayButIsOnTooManyRequests) {
  TestHttpServer server;
  const HttpClient client(fast_options());

  server.enqueue(status_reply(502));
  const HttpOutcome bad_gateway = client.send({.method = "POST", .url = server.url(), .body = "x"});
  ASSERT_TRUE(bad_gateway.response);
  EXPECT_EQ(bad_gateway.response->status, 502);
  EXPECT_EQ(bad_gateway.response->attempts, 1);
  EXPECT_EQ(server.request_count(), 1u);

  server.enqueue(status_reply(429));
  const HttpOutcome too_many = client.send({.method = "POST", .url = server.url(), .body = "x"});
  ASSERT_TRUE(too_many.response);
  EXPECT_EQ(too_many.response->status, 200);
  EXPECT_EQ(too_many.response->attempts, 2);
  EXPECT_EQ(server.request_count(), 3u);
  EXPECT_EQ(server.requests()[2].body, "x");  // the retry carries the body again
}

TEST(HttpClientRetry, GetIsRetriedOnBadGatewayAndGatewayTimeout) {
  TestHttpServer server;
  server.enqueue(status_reply(502));
  server.enqueue(status_reply(504));
  const HttpOutcome out = HttpClient(fast_options()).send({.url = server.url()});
  ASSERT_TRUE(out.response);
  EXPECT_EQ(out.response->status, 200);
  EXPECT_EQ(out.response->attempts, 3);
}

TEST(HttpClientRetry, CancellationDuringRetryAfterWaitReturnsQuickly) {
  TestHttpServer server;
  server.set_fallback(status_reply(429, {{"Retry-After", "30"}}));
  std::atomic<bool> cancel{false};
  std::thread canceller([&] {
    std::this_thread::sleep_for(200ms);
    cancel = true;
  });
  const auto start = Clock::now();

  const HttpOutcome out =
      HttpClient(fast_options()).send({.url = server.url()}, {.cancelled = [&] { return cancel.load(); }});

  canceller.join();
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->code, "cancelled");
  EXPECT_LT(Clock::now() - start, 1s);
  EXPECT_EQ(server.request_count(), 1u);
}

TEST(HttpClientRetry, CancelledBeforeStartSendsNothing) {
  TestHttpServer server;
  const HttpOutcome out =
      HttpClient(fast_options()).send({.url = server.url()}, {.cancelled = [] { return true; }});
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->code, "cancelled");
  EXPECT_EQ(server.request_count(), 0u);
}

TEST(HttpClientRetry, CancellationAbortsARunningTransfer) {
  TestHttpServer server;
  server.set_fallback({.delay = 10s});
  std::atomic<bool> cancel{false};
  std::thread canceller([&] {
    std::this_thread::sleep_for(200ms);
    cancel = true;
  });
  const auto start = Clock::now();
  const HttpOutcome out =
      HttpClient(fast_options()).send({.url = server.url(), .timeout = 20s}, {.cancelled = [&] {
                                        return cancel.load();
                                      }});
  canceller.join();
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->code, "cancelled");
  // libcurl polls the progress callback about once a second while nothing arrives.
  EXPECT_LT(Clock::now() - start, 3s);
}

TEST(HttpClientRetry, RateLimitSpacesRequestsOnOneKeyOnly) {
  TestHttpServer server;
  const HttpClient client(fast_options());
  const CallContext limited{.rate_key = unique_key("account-a"), .requests_per_second = 5};
  const CallContext other{.rate_key = unique_key("account-b"), .requests_per_second = 5};

  const auto start = Clock::now();
  std::thread slow([&] {
    for (int i = 0; i < 6; ++i)
      EXPECT_TRUE(client.send({.url = server.url("/a")}, limited).response);
  });
  std::this_thread::sleep_for(100ms);  // account A now has a queue of waiting requests
  const auto other_start = Clock::now();
  EXPECT_TRUE(client.send({.url = server.url("/b")}, other).response);
  EXPECT_TRUE(client.send({.url = server.url("/c")}).response);  // no key: unlimited
  EXPECT_LT(Clock::now() - other_start, 150ms);
  slow.join();

  // 6 requests at 5 per second: five gaps of 200 ms.
  EXPECT_GE(Clock::now() - start, 950ms);
}

TEST(HttpClientRetry, RetriesTakeRateLimitTokensToo) {
  TestHttpServer server;
  server.enqueue(status_reply(503));
  const auto start = Clock::now();
  const HttpOutcome out =
      HttpClient(fast_options())
          .send({.url = server.url()}, {.rate_key = unique_key("retry"), .requests_per_second = 4});
  ASSERT_TRUE(out.response);
  EXPECT_EQ(out.response->attempts, 2);
  EXPECT_GE(Clock::now() - start, 240ms);
}

TEST(HttpClientRetry, TooLongWaitForARateTokenIsRateLimited) {
  TestHttpServer server;
  HttpClientOptions options = fast_options();
  options.max_retry_after = 100ms;
  const HttpClient client(options);
  const CallContext slow{.rate_key = unique_key("slow"), .requests_per_second = 1};
  EXPECT_TRUE(client.send({.url = server.url()}, slow).response);  // takes the only token for a second
  const HttpOutcome out = client.send({.url = server.url()}, slow);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->code, "rate_limited");
  EXPECT_TRUE(out.error->retryable);
  EXPECT_EQ(server.request_count(), 1u);
}

}  // namespace
}  // namespace scratch::net

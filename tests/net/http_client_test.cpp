// HttpClient against the scripted local server: plain exchanges, limits, errors and concurrency.
#include "net/http_client.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "net/test_http_server.hpp"
#include "support/free_port.hpp"

namespace scratch::net {
namespace {

using namespace std::chrono_literals;
using test::ScriptedReply;
using test::TestHttpServer;

// Short waits keep the suite fast; the retry tests check the real timing rules.
HttpClientOptions fast_options() {
  HttpClientOptions o;
  o.base_backoff = 10ms;
  o.max_backoff = 50ms;
  return o;
}

std::string header_of(const HttpResponse& r, const std::string& name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "<absent>";
}

TEST(HttpClient, PlainGetReturnsStatusHeadersAndBody) {
  TestHttpServer server;
  server.enqueue({.status = 200, .headers = {{"X-Custom-Thing", "Value 1"}}, .body = "hello"});
  const HttpClient client(fast_options());

  const HttpOutcome out = client.send({.url = server.url("/things?page=2")});

  ASSERT_TRUE(out.response) << out.error->code << ": " << out.error->message;
  EXPECT_FALSE(out.error);
  EXPECT_EQ(out.response->status, 200);
  EXPECT_EQ(out.response->body, "hello");
  EXPECT_EQ(out.response->attempts, 1);
  EXPECT_EQ(header_of(*out.response, "x-custom-thing"), "Value 1");  // names lower-cased
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].target, "/things?page=2");
  EXPECT_EQ(requests[0].header("user-agent"), "scratch/0.1");
}

TEST(HttpClient, SendsMethodHeadersAndBodyAsGiven) {
  TestHttpServer server;
  const HttpClient client(fast_options());

  const HttpOutcome out =
      client.send({.method = "PATCH",
                   .url = server.url("/items/7"),
                   .headers = {{"Authorization", "Bearer abc"}, {"X-Empty", ""}, {"Content-Length", "999"}},
                   .body = R"({"a":1})"});

  ASSERT_TRUE(out.response);
  const auto r = server.requests().at(0);
  EXPECT_EQ(r.method, "PATCH");
  EXPECT_EQ(r.header("authorization"), "Bearer abc");
  EXPECT_EQ(r.body, R"({"a":1})");
  EXPECT_EQ(r.header("content-length"), "7");  // framing follows the body, not the caller's header
  EXPECT_EQ(r.header("content-type"), "");     // no made-up form content type
  bool has_empty = false;
  for (const auto& [n, v] : r.headers)
    has_empty |= n == "x-empty" && v.empty();
  EXPECT_TRUE(has_empty);
}

TEST(HttpClient, ErrorStatusesAreResponsesNotErrors) {
  TestHttpServer server;
  server.enqueue({.status = 404, .body = "nope"});
  const HttpOutcome out = HttpClient(fast_options()).send({.url = server.url()});
  ASSERT_TRUE(out.response);
  EXPECT_EQ(out.response->status, 404);
  EXPECT_EQ(out.response->body, "nope");
}

TEST(HttpClient, RedirectsAreReturnedNotFollowed) {
  TestHttpServer server;
  server.enqueue({.status = 302, .headers = {{"Location", server.url("/elsewhere")}}});
  const HttpOutcome out = HttpClient(fast_options()).send({.url = server.url("/start")});
  ASSERT_TRUE(out.response);
  EXPECT_EQ(out.response->status, 302);
  EXPECT_EQ(server.request_count(), 1u);
}

TEST(HttpClient, HeadIgnoresAnnouncedLength) {
  TestHttpServer server;
  server.enqueue({.status = 200, .announced_length = 100u << 20});
  HttpClientOptions options = fast_options();
  options.max_response_bytes = 1024;
  const HttpOutcome out = HttpClient(options).send({.method = "HEAD", .url = server.url()});
  ASSERT_TRUE(out.response) << out.error->code;
  EXPECT_EQ(out.response->status, 200);
  EXPECT_EQ(header_of(*out.response, "content-length"), std::to_string(100u << 20));
}

TEST(HttpClient, TimeoutIsReportedAsTimeout) {
  TestHttpServer server;
  server.set_fallback({.delay = 5s});
  HttpClientOptions options = fast_options();
  options.max_retries = 0;
  const auto start = std::chrono::steady_clock::now();

  const HttpOutcome out = HttpClient(options).send({.url = server.url(), .timeout = 300ms});

  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->code, "timeout");
  EXPECT_TRUE(out.error->retryable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(HttpClient, TimeoutIsRetriedForIdempotentMethodsOnly) {
  TestHttpServer server;
  server.set_fallback({.delay = 5s});
  HttpClientOptions options = fast_options();
  options.max_retries = 1;
  const HttpClient client(options);

  EXPECT_EQ(client.send({.url = server.url(), .timeout = 200ms}).error->code, "timeout");
  EXPECT_EQ(server.request_count(), 2u);
  EXPECT_EQ(client.send({.method = "POST", .url = server.url(), .timeout = 200ms}).error->code, "timeout");
  EXPECT_EQ(server.request_count(), 3u);
}

TEST(HttpClient, BodyOverTheCapWithContentLengthIsTooLarge) {
  TestHttpServer server;
  server.enqueue({.body = std::string(4096, 'x')});
  HttpClientOptions options = fast_options();
  options.max_response_bytes = 1024;
  const HttpOutcome out = HttpClient(options).send({.url = server.url()});
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->code, "too_large");
  EXPECT_FALSE(out.error->retryable);
  EXPECT_EQ(server.request_count(), 1u);  // not retried
}

TEST(HttpClient, AnnouncedLengthOverTheCapAbortsBeforeTheBody) {
  TestHttpServer server;
  // The body would only come after 5 s: a quick answer proves the header alone decided.
  server.enqueue({.body = "small", .announced_length = 10u << 20, .hold_after_headers = 5s});
  HttpClientOptions options = fast_options();
  options.max_response_bytes = 1024;
  const auto start = std::chrono::steady_clock::now();
  const HttpOutcome out = HttpClient(options).send({.url = server.url()});
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->code, "too_large");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(HttpClient, StreamedBodyOverTheCapWithoutContentLengthIsTooLarge) {
  TestHttpServer server;
  server.enqueue({.body = std::string(256 * 1024, 'x'), .omit_content_length = true});
  HttpClientOptions options = fast_options();
  options.max_response_bytes = 1024;
  const HttpOutcome out = HttpClient(options).send({.url = server.url()});
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->code, "too_large");
}

TEST(HttpClient, BodyExactlyAtTheCapIsAccepted) {
  TestHttpServer server;
  server.enqueue({.body = std::string(1024, 'x'), .omit_content_length = true});
  HttpClientOptions options = fast_options();
  options.max_response_bytes = 1024;
  const HttpOutcome out = HttpClient(options).send({.url = server.url()});
  ASSERT_TRUE(out.response) << out.error->code;
  EXPECT_EQ(out.response->body.size(), 1024u);
}

TEST(HttpClient, RefusedConnectionIsConnectFailed) {
  const int port = scratch::test::free_tcp_port();  // nothing listens there
  HttpClientOptions options = fast_options();
  options.max_retries = 0;
  const HttpOutcome out = HttpClient(options).send({.url = "http://127.0.0.1:" + std::to_string(port) + "/"});
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->code, "connect_failed");
  EXPECT_TRUE(out.error->retryable);
}

TEST(HttpClient, ConnectionClosedWithoutReplyIsTransferFailed) {
  TestHttpServer server;
  server.set_fallback({.close_without_reply = true});
  HttpClientOptions options = fast_options();
  options.max_retries = 2;
  const HttpOutcome out = HttpClient(options).send({.url = server.url()});
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->code, "transfer_failed");
  EXPECT_EQ(server.request_count(), 3u);  // GET: retried
}

TEST(HttpClient, NonHttpSchemesAreInvalidRequests) {
  TestHttpServer server;
  const HttpClient client(fast_options());
  const std::string port = std::to_string(server.port());
  const std::vector<std::string> urls = {"file:///etc/passwd",
                                         "gopher://127.0.0.1:" + port + "/",
                                         "ftp://127.0.0.1:" + port + "/",
                                         "dict://127.0.0.1:" + port + "/",
                                         "not a url",
                                         "/relative/path",
                                         ""};
  for (const std::string& url : urls) {
    const HttpOutcome out = client.send({.url = url});
    ASSERT_TRUE(out.error) << url;
    EXPECT_EQ(out.error->code, "invalid_request") << url;
    EXPECT_FALSE(out.error->retryable);
  }
  EXPECT_EQ(server.request_count(), 0u);
  // Scheme names are case-insensitive.
  EXPECT_TRUE(client.send({.url = "HTTP://127.0.0.1:" + port + "/"}).response);
}

TEST(HttpClient, MalformedMethodOrHeaderIsInvalidRequest) {
  TestHttpServer server;
  const HttpClient client(fast_options());
  EXPECT_EQ(client.send({.method = "GET /x HTTP/1.1\r\nX:", .url = server.url()}).error->code,
            "invalid_request");
  EXPECT_EQ(client.send({.url = server.url(), .headers = {{"X-A", "1\r\nX-Injected: 1"}}}).error->code,
            "invalid_request");
  EXPECT_EQ(client.send({.url = server.url(), .headers = {{"Bad Name", "1"}}}).error->code,
            "invalid_request");
  EXPECT_EQ(client.send({.url = server.url(), .timeout = 0ms}).error->code, "invalid_request");
  EXPECT_EQ(client.send({.url = server.url()}, {.requests_per_second = -1}).error->code, "invalid_request");
  EXPECT_EQ(server.request_count(), 0u);
}

TEST(HttpClient, ManyThreadsShareOneClient) {
  TestHttpServer server;
  server.set_handler([](const test::ReceivedRequest& r) { return ScriptedReply{.body = r.target}; });
  const HttpClient client(fast_options());
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        const std::string path = "/t" + std::to_string(t) + "/r" + std::to_string(i);
        const HttpOutcome out = client.send({.url = server.url(path)});
        if (out.response && out.response->status == 200 && out.response->body == path) ++ok;
      }
    });
  }
  for (auto& th : threads)
    th.join();
  EXPECT_EQ(ok.load(), 160);
  EXPECT_EQ(server.request_count(), 160u);
}

}  // namespace
}  // namespace scratch::net

// HttpClient's per-attempt log line: present once per attempt, and free of credentials.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "net/http_client.hpp"
#include "net/test_http_server.hpp"

namespace scratch::net {
namespace {

using namespace std::chrono_literals;

// Routes the default logger into a string for the lifetime of the object.
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(stream_);
    sink->set_pattern("%l %v");
    auto logger = std::make_shared<spdlog::logger>("capture", sink);
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }

  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    std::istringstream in(stream_.str());
    for (std::string line; std::getline(in, line);)
      out.push_back(line);
    return out;
  }

 private:
  std::ostringstream stream_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST(HttpClientLogging, OneInfoLinePerAttemptWithoutSecrets) {
  test::TestHttpServer server;
  server.enqueue({.status = 503});
  HttpClientOptions options;
  options.base_backoff = 10ms;
  const std::string port = std::to_string(server.port());
  const std::string url = "http://alice:pa55word@127.0.0.1:" + port + "/v1/items?api_key=QUERYSECRET#frag";

  LogCapture capture;
  const HttpOutcome out = HttpClient(options).send(
      {.method = "POST",
       .url = url,
       .headers = {{"Authorization", "Bearer HEADERSECRET"}, {"Cookie", "session=COOKIESECRET"}},
       .body = "BODYSECRET"},
      {.log_tag = "github"});

  ASSERT_TRUE(out.response);
  EXPECT_EQ(out.response->attempts, 2);
  EXPECT_EQ(server.requests().at(0).header("authorization"), "Bearer HEADERSECRET");  // sent, not logged
  const auto lines = capture.lines();
  ASSERT_EQ(lines.size(), 2u);
  for (const auto& line : lines) {
    SCOPED_TRACE(line);
    EXPECT_EQ(line.rfind("info ", 0), 0u);
    EXPECT_NE(line.find("tag=github"), std::string::npos);
    EXPECT_NE(line.find("POST http://127.0.0.1:" + port + "/v1/items "), std::string::npos);
    EXPECT_NE(line.find("duration_ms="), std::string::npos);
    EXPECT_NE(line.find("bytes="), std::string::npos);
    for (const char* secret : {"?", "api_key", "QUERYSECRET", "frag", "alice", "pa55word", "HEADERSECRET",
                               "Bearer", "COOKIESECRET", "BODYSECRET"}) {
      EXPECT_EQ(line.find(secret), std::string::npos) << secret;
    }
  }
  EXPECT_NE(lines[0].find("status=503"), std::string::npos);
  EXPECT_NE(lines[0].find("attempt=1"), std::string::npos);
  EXPECT_NE(lines[1].find("status=200"), std::string::npos);
  EXPECT_NE(lines[1].find("attempt=2"), std::string::npos);
}

TEST(HttpClientLogging, ErrorsAreLoggedByCode) {
  test::TestHttpServer server;
  LogCapture capture;
  HttpClient().send({.url = "gopher://user:secret@127.0.0.1/x?token=abc"});
  const auto lines = capture.lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("error=invalid_request"), std::string::npos) << lines[0];
  EXPECT_EQ(lines[0].find("secret"), std::string::npos) << lines[0];
  EXPECT_EQ(lines[0].find("token"), std::string::npos) << lines[0];
}

TEST(HttpClientLogging, CallerSuppliedFieldsCannotForgeLines) {
  LogCapture capture;
  const HttpOutcome out = HttpClient().send(
      {.method = "GET /x HTTP/1.1\r\nforged: 1", .url = "http://127.0.0.1:1/"}, {.log_tag = "tag\nforged"});
  EXPECT_EQ(out.error->code, "invalid_request");
  const auto lines = capture.lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("tag=tag?forged GET?/x?HTTP/1.1??forged:?1 "), std::string::npos) << lines[0];
}

}  // namespace
}  // namespace scratch::net

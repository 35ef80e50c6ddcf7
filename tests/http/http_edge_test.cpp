// The HTTP edge against a running scratchd: every client mistake gets problem+json with a stable code,
// nothing a client sends crashes the process, and each response carries a request id.
#include <gtest/gtest.h>

#include "support/api_helpers.hpp"

namespace scratch::test {
namespace {

class HttpEdge : public ServerTest {
 protected:
  HttpEdge() : ServerTest(Env{{"SCRATCH_MAX_BODY_BYTES", "65536"}}) {}
  void TearDown() override { ASSERT_TRUE(server_.process->running()) << server_.process->log(); }
};

TEST_F(HttpEdge, UnknownRouteIs404ProblemJson) {
  expect_problem(client().get("/api/v1/nothing-here"), 404, "route_not_found");
  expect_problem(client().get("/"), 404, "route_not_found");
}

TEST_F(HttpEdge, WrongMethodIs405WithAllowHeader) {
  const auto r = client().request("PUT", "/api/v1/auth/login", std::string("{}"),
                                  {{"Content-Type", "application/json"}});
  expect_problem(r, 405, "method_not_allowed");
  EXPECT_EQ(r.header("Allow"), "POST");
  const auto d = client().request("DELETE", "/healthz");
  expect_problem(d, 405, "method_not_allowed");
  EXPECT_EQ(d.header("Allow"), "GET");
}

TEST_F(HttpEdge, MalformedJsonIs400) {
  const auto r = client().request("POST", "/api/v1/auth/login", std::string("{\"email\": \"a@b.co\","),
                                  {{"Content-Type", "application/json"}});
  expect_problem(r, 400, "malformed_json");
  EXPECT_NE(r.json().value("detail", "").find("byte"), std::string::npos);
}

TEST_F(HttpEdge, NonObjectBodyIs400) {
  expect_problem(client().request("POST", "/api/v1/auth/signup", std::string("[1,2,3]"),
                                  {{"Content-Type", "application/json"}}),
                 400, "invalid_body");
}

TEST_F(HttpEdge, WrongContentTypeIs415) {
  expect_problem(client().request("POST", "/api/v1/auth/signup", std::string("email=a@b.co"),
                                  {{"Content-Type", "application/x-www-form-urlencoded"}}),
                 415, "unsupported_media_type");
}

TEST_F(HttpEdge, BodyOverTheLimitIs413ProblemJson) {
  const std::string big = "{\"email\":\"" + std::string(70000, 'a') + "\"}";
  const auto r = client().request("POST", "/api/v1/auth/signup", big, {{"Content-Type", "application/json"}});
  expect_problem(r, 413, "payload_too_large");
  EXPECT_EQ(r.json().value("limit_bytes", 0), 65536);
}

TEST_F(HttpEdge, HugeBodyIsRefusedWithoutHarm) {
  // Far past the limit Pistache itself cuts the request off; it must still be a 413 and the server lives.
  const std::string huge(8 * 1024 * 1024, 'x');
  const auto r =
      client().request("POST", "/api/v1/auth/signup", huge, {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 413) << r.body.substr(0, 200);
  EXPECT_EQ(client().get("/healthz").status, 200);
}

TEST_F(HttpEdge, ValidationErrorsNameEachField) {
  const auto r = client().post_json("/api/v1/auth/signup", {{"email", 42}, {"pasword", "x"}});
  expect_problem(r, 422, "validation_failed");
  std::set<std::string> fields;
  const auto body = r.json();
  for (const auto& e : body["errors"])
    fields.insert(e["field"].get<std::string>());
  EXPECT_EQ(fields, (std::set<std::string>{"email", "password", "pasword"}));
}

TEST_F(HttpEdge, DeeplyNestedJsonIsRejectedNotCrashing) {
  const std::string deep = std::string(20000, '[') + std::string(20000, ']');
  expect_problem(client().request("POST", "/api/v1/auth/login", deep, {{"Content-Type", "application/json"}}),
                 400, "malformed_json");
}

TEST_F(HttpEdge, InvalidUtf8IsRejected) {
  expect_problem(client().request("POST", "/api/v1/auth/login",
                                  std::string("{\"email\":\"\xc3\x28@x.io\",\"password\":\"x\"}"),
                                  {{"Content-Type", "application/json"}}),
                 400, "malformed_json");
}

TEST_F(HttpEdge, RequestIdIsEchoedWhenPlainAndGeneratedOtherwise) {
  const auto kept = client().request("GET", "/healthz", std::nullopt, {{"X-Request-Id", "trace-123.abc"}});
  EXPECT_EQ(kept.header("X-Request-Id"), "trace-123.abc");
  const auto replaced =
      client().request("GET", "/healthz", std::nullopt, {{"X-Request-Id", "bad id <script>"}});
  EXPECT_NE(replaced.header("X-Request-Id"), "bad id <script>");
  EXPECT_EQ(replaced.header("X-Request-Id").size(), 24u);
}

TEST_F(HttpEdge, ResponsesKeepConnectionsAlive) {
  EXPECT_EQ(client().get("/healthz").header("Connection"), "Keep-Alive");
}

TEST_F(HttpEdge, MetricsCountRequestsByRouteAndStatus) {
  client().get("/api/v1/me");  // 401
  client().get("/healthz");
  const auto m = client().get("/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_NE(m.header("Content-Type").find("text/plain"), std::string::npos);
  EXPECT_NE(m.body.find("scratch_http_requests_total{method=\"GET\",route=\"/api/v1/me\",status=\"401\"}"),
            std::string::npos)
      << m.body;
  EXPECT_NE(
      m.body.find(
          "scratch_http_request_duration_seconds_bucket{method=\"GET\",route=\"/healthz\",le=\"+Inf\"}"),
      std::string::npos);
  EXPECT_NE(m.body.find("scratch_db_pool_connections{state=\"in_use\"}"), std::string::npos);
  EXPECT_NE(m.body.find("scratch_db_pool_max_connections 10"), std::string::npos);
}

TEST_F(HttpEdge, GarbageRequestsDoNotKillTheServer) {
  for (const char* method : {"BREW", "GET ", "", "\x01"}) {
    client().request(method, "/healthz");
  }
  client().request("GET", "/%zz%");
  client().request("GET", "/api/v1/api-tokens/%00");
  EXPECT_EQ(client().get("/healthz").status, 200);
}

}  // namespace
}  // namespace scratch::test

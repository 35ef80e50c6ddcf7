// The router: template matching, path parameters, and the 405 information.
#include "http/router.hpp"

#include <gtest/gtest.h>

namespace scratch::http {
namespace {

Handler ok() {
  return [](Request&) { return Response::json(200, {}); };
}

Router sample() {
  Router r;
  r.add("GET", "/api/v1/things", {.operation_id = "a"}, ok());
  r.add("POST", "/api/v1/things", {.operation_id = "b"}, ok());
  r.add("GET", "/api/v1/things/{id}", {.operation_id = "c"}, ok());
  r.add("DELETE", "/api/v1/things/{id}", {.operation_id = "d"}, ok());
  r.add("GET", "/api/v1/things/special", {.operation_id = "e"}, ok());
  return r;
}

TEST(Router, MatchesLiteralPath) {
  const Router r = sample();
  const auto m = r.match("GET", "/api/v1/things");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->doc.operation_id, "a");
}

TEST(Router, ExtractsAndDecodesPathParameters) {
  const Router r = sample();
  const auto m = r.match("GET", "/api/v1/things/a%20b");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params.at("id"), "a b");
}

TEST(Router, PrefersLiteralSegmentOverParameter) {
  const Router r = sample();
  const auto m = r.match("GET", "/api/v1/things/special");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->doc.operation_id, "e");
}

TEST(Router, ReportsAllowedMethodsWhenOnlyTheMethodIsWrong) {
  const Router r = sample();
  const auto m = r.match("PUT", "/api/v1/things/42");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allowed_methods, (std::vector<std::string>{"DELETE", "GET"}));
}

TEST(Router, UnknownPathHasNoRouteAndNoAllowedMethods) {
  const Router r = sample();
  for (const char* path : {"/api/v1/thing", "/api/v1/things/1/2", "/", "", "relative", "/api/v1/things/"}) {
    const auto m = r.match("GET", path);
    EXPECT_EQ(m.route, nullptr) << path;
    EXPECT_TRUE(m.allowed_methods.empty()) << path;
  }
}

TEST(Router, RejectsMalformedPercentEscapes) {
  const Router r = sample();
  EXPECT_EQ(r.match("GET", "/api/v1/things/%zz").route, nullptr);
  EXPECT_EQ(r.match("GET", "/api/v1/things/%4").route, nullptr);
}

TEST(Router, RefusesDuplicateRoutesAndOperationIds) {
  Router r = sample();
  EXPECT_THROW(r.add("GET", "/api/v1/things", {.operation_id = "z"}, ok()), std::logic_error);
  EXPECT_THROW(r.add("GET", "/api/v1/other", {.operation_id = "a"}, ok()), std::logic_error);
}

}  // namespace
}  // namespace scratch::http

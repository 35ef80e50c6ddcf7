// Request body parsing and field validation: each client mistake maps to one status and code.
#include "http/json_body.hpp"

#include <gtest/gtest.h>

#include "http/problem.hpp"
#include "http/validation.hpp"

namespace scratch::http {
namespace {

Request with_body(std::string body, std::string content_type = "application/json") {
  Request r;
  r.body = std::move(body);
  r.header_lookup = [content_type](const std::string& name) -> std::optional<std::string> {
    if (name == "Content-Type" && !content_type.empty()) return content_type;
    return std::nullopt;
  };
  return r;
}

struct BodyCase {
  const char* name;
  std::string body;
  std::string content_type;
  int status;
  const char* code;
};

void PrintTo(const BodyCase& c, std::ostream* os) {
  *os << c.name;
}

class BodyErrors : public ::testing::TestWithParam<BodyCase> {};

TEST_P(BodyErrors, AnswersWithTheRightProblem) {
  const auto& c = GetParam();
  try {
    parse_json_object(with_body(c.body, c.content_type));
    FAIL() << "accepted " << c.body;
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), c.status);
    EXPECT_EQ(e.code(), c.code);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BodyErrors,
    ::testing::Values(BodyCase{"empty", "", "application/json", 400, "malformed_json"},
                      BodyCase{"truncated", "{\"a\":", "application/json", 400, "malformed_json"},
                      BodyCase{"trailing_garbage", "{} x", "application/json", 400, "malformed_json"},
                      BodyCase{"array", "[1,2]", "application/json", 400, "invalid_body"},
                      BodyCase{"string", "\"x\"", "application/json", 400, "invalid_body"},
                      BodyCase{"deep", std::string(100, '[') + std::string(100, ']'), "application/json", 400,
                               "malformed_json"},
                      BodyCase{"bad_utf8", "{\"a\":\"\xff\xfe\"}", "application/json", 400, "malformed_json"},
                      BodyCase{"form", "a=b", "application/x-www-form-urlencoded", 415,
                               "unsupported_media_type"},
                      BodyCase{"no_type", "{}", "", 415, "unsupported_media_type"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(JsonBody, AcceptsObjectWithCharsetParameter) {
  const auto body = parse_json_object(with_body("{\"a\":1}", "Application/JSON; charset=utf-8"));
  EXPECT_EQ(body["a"], 1);
}

TEST(JsonBody, NestingDepthIgnoresBracketsInsideStrings) {
  EXPECT_EQ(json_nesting_depth(R"({"a":"[[[[[[\"]]]"})", 64), 1);
  EXPECT_EQ(json_nesting_depth("[[[]]]", 64), 3);
}

TEST(FieldReader, CollectsEveryFieldErrorAtOnce) {
  const nlohmann::json body = {{"name", 5}, {"days", 0}, {"typo", true}};
  FieldReader fields(body);
  fields.allow_only({"name", "days", "email"});
  fields.required_string("name", 1, 10);
  fields.optional_integer("days", 1, 10);
  fields.required_string("email", 1, 10);
  try {
    fields.finish();
    FAIL() << "no error";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 422);
    EXPECT_EQ(e.code(), "validation_failed");
    const auto& errors = e.extra().at("errors");
    ASSERT_EQ(errors.size(), 4u) << errors.dump();
    std::set<std::string> fields_named;
    for (const auto& err : errors)
      fields_named.insert(err["field"].get<std::string>());
    EXPECT_EQ(fields_named, (std::set<std::string>{"name", "days", "email", "typo"}));
  }
}

TEST(FieldReader, EnforcesStringLengthBounds) {
  const nlohmann::json body = {{"s", std::string(11, 'x')}};
  FieldReader fields(body);
  fields.required_string("s", 1, 10);
  EXPECT_THROW(fields.finish(), ApiError);
  FieldReader ok(body);
  EXPECT_EQ(ok.required_string("s", 1, 11), std::string(11, 'x'));
  EXPECT_NO_THROW(ok.finish());
}

}  // namespace
}  // namespace scratch::http

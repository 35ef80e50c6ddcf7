// Sign-up, login, refresh, logout and token checks, end to end over HTTP against a real database.
#include <gtest/gtest.h>

#include <thread>

#include "crypto/encoding.hpp"
#include "support/api_helpers.hpp"

namespace scratch::test {
namespace {

using nlohmann::json;

class AuthFlow : public ServerTest {
 protected:
};

TEST_F(AuthFlow, SignupReturnsUserAndWorkingTokens) {
  const std::string email = unique_email();
  const json s = signup(client(), email);
  EXPECT_EQ(s["user"]["email"], email);
  EXPECT_EQ(s["user"]["role"], "USER");
  EXPECT_EQ(s["token_type"], "Bearer");
  EXPECT_EQ(s["expires_in"], 900);
  EXPECT_FALSE(s["user"].contains("password_hash"));
  const auto me = client().get("/api/v1/me", s["access_token"].get<std::string>());
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json()["id"], s["user"]["id"]);
  EXPECT_EQ(me.json()["auth_method"], "session");
}

TEST_F(AuthFlow, DuplicateEmailIs409IgnoringCase) {
  const std::string email = unique_email("dup");
  signup(client(), email);
  std::string upper = email;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  expect_problem(
      client().post_json("/api/v1/auth/signup", {{"email", upper}, {"password", "another password"}}), 409,
      "email_taken");
}

TEST_F(AuthFlow, SignupValidatesEmailAndPassword) {
  expect_problem(
      client().post_json("/api/v1/auth/signup", {{"email", "not-an-email"}, {"password", "long enough pw"}}),
      422, "validation_failed");
  expect_problem(
      client().post_json("/api/v1/auth/signup", {{"email", unique_email()}, {"password", "short"}}), 422,
      "validation_failed");
}

TEST_F(AuthFlow, LoginWithRightPasswordAnyEmailCase) {
  const std::string email = unique_email("Mixed");
  signup(client(), email);
  std::string lower = email;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  const json l = login(client(), lower);
  EXPECT_EQ(client().get("/api/v1/me", l["access_token"].get<std::string>()).status, 200);
}

TEST_F(AuthFlow, WrongPasswordAndUnknownEmailLookTheSame) {
  const std::string email = unique_email();
  signup(client(), email);
  const auto wrong =
      client().post_json("/api/v1/auth/login", {{"email", email}, {"password", "wrong password!"}});
  const auto unknown =
      client().post_json("/api/v1/auth/login", {{"email", unique_email()}, {"password", "wrong password!"}});
  expect_problem(wrong, 401, "invalid_credentials");
  expect_problem(unknown, 401, "invalid_credentials");
  EXPECT_EQ(wrong.json()["detail"], unknown.json()["detail"]);
}

TEST_F(AuthFlow, MissingOrMalformedAuthorizationIs401) {
  expect_problem(client().get("/api/v1/me"), 401, "unauthorized");
  expect_problem(client().request("GET", "/api/v1/me", std::nullopt, {{"Authorization", "Basic YTpi"}}), 401,
                 "unauthorized");
  expect_problem(client().get("/api/v1/me", "garbage"), 401, "invalid_token");
  expect_problem(client().get("/api/v1/me", "scr_not_a_real_token"), 401, "invalid_token");
  EXPECT_NE(client().get("/api/v1/me").header("WWW-Authenticate").find("Bearer"), std::string::npos);
}

TEST_F(AuthFlow, TamperedAccessTokenIs401) {
  const json s = signup(client(), unique_email());
  const std::string token = s["access_token"];
  const auto first_dot = token.find('.'), second_dot = token.rfind('.');
  auto payload =
      json::parse(*crypto::base64url_decode(token.substr(first_dot + 1, second_dot - first_dot - 1)));
  payload["role"] = "ADMIN";
  const std::string forged =
      token.substr(0, first_dot + 1) + crypto::base64url_encode(payload.dump()) + token.substr(second_dot);
  expect_problem(client().get("/api/v1/me", forged), 401, "invalid_token");
  // Flip one character of the signature.
  std::string flipped = token;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  expect_problem(client().get("/api/v1/me", flipped), 401, "invalid_token");
  // "alg":"none" with no signature.
  const std::string none = crypto::base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." +
                           token.substr(first_dot + 1, second_dot - first_dot - 1) + ".";
  expect_problem(client().get("/api/v1/me", none), 401, "invalid_token");
}

TEST_F(AuthFlow, RefreshRotatesAndTheOldRefreshTokenStopsWorking) {
  const json s = signup(client(), unique_email());
  const auto r1 = client().post_json("/api/v1/auth/refresh", {{"refresh_token", s["refresh_token"]}});
  ASSERT_EQ(r1.status, 200) << r1.body;
  const json pair = r1.json();
  EXPECT_NE(pair["refresh_token"], s["refresh_token"]);
  EXPECT_EQ(client().get("/api/v1/me", pair["access_token"].get<std::string>()).status, 200);
  const auto r2 = client().post_json("/api/v1/auth/refresh", {{"refresh_token", pair["refresh_token"]}});
  EXPECT_EQ(r2.status, 200) << r2.body;
}

TEST_F(AuthFlow, ReusedRefreshTokenRevokesTheWholeSession) {
  const json s = signup(client(), unique_email());
  const json rotated =
      client().post_json("/api/v1/auth/refresh", {{"refresh_token", s["refresh_token"]}}).json();
  // The old token comes back (stolen copy): refused, and the session ends for everyone.
  expect_problem(client().post_json("/api/v1/auth/refresh", {{"refresh_token", s["refresh_token"]}}), 401,
                 "invalid_refresh_token");
  expect_problem(client().post_json("/api/v1/auth/refresh", {{"refresh_token", rotated["refresh_token"]}}),
                 401, "invalid_refresh_token");
  expect_problem(client().get("/api/v1/me", rotated["access_token"].get<std::string>()), 401,
                 "invalid_token");
}

TEST_F(AuthFlow, UnknownRefreshTokenIs401) {
  expect_problem(client().post_json("/api/v1/auth/refresh", {{"refresh_token", "scr_rt_made_up"}}), 401,
                 "invalid_refresh_token");
}

TEST_F(AuthFlow, LogoutRevokesAccessAndRefreshTokens) {
  const std::string email = unique_email();
  signup(client(), email);
  const json session = login(client(), email);
  const json other = login(client(), email);  // a second session stays alive
  const std::string access = session["access_token"];
  const auto out =
      client().request("POST", "/api/v1/auth/logout", std::nullopt, {{"Authorization", "Bearer " + access}});
  EXPECT_EQ(out.status, 204) << out.body;
  expect_problem(client().get("/api/v1/me", access), 401, "invalid_token");
  expect_problem(client().post_json("/api/v1/auth/refresh", {{"refresh_token", session["refresh_token"]}}),
                 401, "invalid_refresh_token");
  EXPECT_EQ(client().get("/api/v1/me", other["access_token"].get<std::string>()).status, 200);
}

TEST_F(AuthFlow, LogoutWithRefreshTokenInBody) {
  const json s = signup(client(), unique_email());
  EXPECT_EQ(client().post_json("/api/v1/auth/logout", {{"refresh_token", s["refresh_token"]}}).status, 204);
  expect_problem(client().get("/api/v1/me", s["access_token"].get<std::string>()), 401, "invalid_token");
  expect_problem(client().post_json("/api/v1/auth/logout", {{"refresh_token", "scr_rt_unknown"}}), 401,
                 "invalid_refresh_token");
  expect_problem(client().request("POST", "/api/v1/auth/logout"), 401, "unauthorized");
}

TEST_F(AuthFlow, AdminInfoIsForbiddenToUsers) {
  const json s = signup(client(), unique_email());
  expect_problem(client().get("/api/v1/admin/info", s["access_token"].get<std::string>()), 403, "forbidden");
  expect_problem(client().get("/api/v1/admin/info"), 401, "unauthorized");
}

TEST(AuthExpiry, ExpiredAccessTokenIs401TokenExpired) {
  TestServer server(Env{{"SCRATCH_ACCESS_TOKEN_TTL_SECONDS", "1"}});
  const json s = signup(server.client(), unique_email());
  EXPECT_EQ(s["expires_in"], 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  expect_problem(server.client().get("/api/v1/me", s["access_token"].get<std::string>()), 401,
                 "token_expired");
  // The refresh token still works and yields a fresh access token.
  const auto r = server.client().post_json("/api/v1/auth/refresh", {{"refresh_token", s["refresh_token"]}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(server.client().get("/api/v1/me", r.json()["access_token"].get<std::string>()).status, 200);
}

TEST(AuthKeys, TokenSignedWithAnotherServersSecretIs401) {
  TestServer a, b;
  const json s = signup(a.client(), unique_email());
  expect_problem(b.client().get("/api/v1/me", s["access_token"].get<std::string>()), 401, "invalid_token");
}

TEST(AuthSignup, CanBeDisabled) {
  TestServer server(Env{{"SCRATCH_ALLOW_SIGNUP", "false"}});
  expect_problem(server.client().post_json("/api/v1/auth/signup",
                                           {{"email", unique_email()}, {"password", "long enough pw"}}),
                 403, "signup_disabled");
}

}  // namespace
}  // namespace scratch::test

// API tokens: created with the secret shown once, listed without it, usable as Bearer, revocable, and
// invisible to other users.
#include <gtest/gtest.h>

#include "support/api_helpers.hpp"

namespace scratch::test {
namespace {

using nlohmann::json;

class ApiTokens : public ServerTest {
 protected:
  std::string new_user() { return signup(client(), unique_email())["access_token"]; }
};

TEST_F(ApiTokens, Lifecycle) {
  const std::string access = new_user();
  const auto created =
      client().post_json("/api/v1/api-tokens", {{"name", "ci script"}, {"expires_in_days", 30}}, access);
  ASSERT_EQ(created.status, 201) << created.body;
  const json token = created.json();
  const std::string secret = token["token"];
  EXPECT_EQ(secret.rfind("scr_", 0), 0u);
  EXPECT_EQ(token["prefix"], secret.substr(0, 12));
  EXPECT_FALSE(token["expires_at"].is_null());

  // Usable as a bearer token.
  const auto me = client().get("/api/v1/me", secret);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json()["auth_method"], "api_token");

  // Listed without the secret, with last use recorded.
  const auto list = client().get("/api/v1/api-tokens", access);
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.json()["items"].size(), 1u);
  const json listed = list.json()["items"][0];
  EXPECT_EQ(listed["id"], token["id"]);
  EXPECT_FALSE(listed.contains("token"));
  EXPECT_EQ(list.body.find(secret), std::string::npos);
  EXPECT_FALSE(listed["last_used_at"].is_null());

  // Revoked: stops working at once, disappears from the list, second revoke is 404.
  const std::string path = "/api/v1/api-tokens/" + token["id"].get<std::string>();
  EXPECT_EQ(client().del(path, access).status, 204);
  expect_problem(client().get("/api/v1/me", secret), 401, "invalid_token");
  EXPECT_TRUE(client().get("/api/v1/api-tokens", access).json()["items"].empty());
  expect_problem(client().del(path, access), 404, "not_found");
}

TEST_F(ApiTokens, AnotherUsersTokenIsNotFound) {
  const std::string alice = new_user(), bob = new_user();
  const json token = client().post_json("/api/v1/api-tokens", {{"name", "alice's"}}, alice).json();
  const std::string path = "/api/v1/api-tokens/" + token["id"].get<std::string>();
  expect_problem(client().del(path, bob), 404, "not_found");
  EXPECT_TRUE(client().get("/api/v1/api-tokens", bob).json()["items"].empty());
  // Still alive for Alice.
  EXPECT_EQ(client().get("/api/v1/me", token["token"].get<std::string>()).status, 200);
}

TEST_F(ApiTokens, NonUuidIdIs404NotAServerError) {
  const std::string access = new_user();
  expect_problem(client().del("/api/v1/api-tokens/not-a-uuid", access), 404, "not_found");
  expect_problem(client().del("/api/v1/api-tokens/'%3B%20DROP%20TABLE%20users", access), 404, "not_found");
}

TEST_F(ApiTokens, CreationIsValidated) {
  const std::string access = new_user();
  expect_problem(client().post_json("/api/v1/api-tokens", {{"name", ""}}, access), 422, "validation_failed");
  expect_problem(client().post_json("/api/v1/api-tokens", {{"name", "x"}, {"expires_in_days", 0}}, access),
                 422, "validation_failed");
  expect_problem(client().post_json("/api/v1/api-tokens", {{"name", std::string(101, 'x')}}, access), 422,
                 "validation_failed");
  expect_problem(client().post_json("/api/v1/api-tokens", {{"name", "x"}}), 401, "unauthorized");
  EXPECT_TRUE(client().get("/api/v1/api-tokens", access).json()["items"].empty());
}

TEST_F(ApiTokens, ApiTokenCannotLogOut) {
  const std::string access = new_user();
  const json token = client().post_json("/api/v1/api-tokens", {{"name", "x"}}, access).json();
  expect_problem(client().request("POST", "/api/v1/auth/logout", std::nullopt,
                                  {{"Authorization", "Bearer " + token["token"].get<std::string>()}}),
                 400, "not_a_session");
}

}  // namespace
}  // namespace scratch::test

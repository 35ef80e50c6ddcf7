// Failed logins are limited per account and per client address, across the whole window, and the
// answer is 429 with Retry-After.
#include <gtest/gtest.h>

#include <thread>

#include "support/api_helpers.hpp"

namespace scratch::test {
namespace {

HttpResponse try_login(const HttpClient& c, const std::string& email, const std::string& password) {
  return c.post_json("/api/v1/auth/login", {{"email", email}, {"password", password}});
}

TEST(LoginThrottle, LocksTheAccountAfterTooManyFailures) {
  TestServer server(Env{{"SCRATCH_LOGIN_MAX_FAILURES", "3"}, {"SCRATCH_LOGIN_WINDOW_SECONDS", "120"}});
  const auto c = server.client();
  const std::string email = unique_email(), other = unique_email();
  signup(c, email);
  signup(c, other);
  for (int i = 0; i < 3; ++i)
    expect_problem(try_login(c, email, "wrong password"), 401, "invalid_credentials");
  const auto blocked = try_login(c, email, "correct horse battery");  // even the right password waits
  expect_problem(blocked, 429, "too_many_login_attempts");
  const int retry_after = std::stoi(blocked.header("Retry-After"));
  EXPECT_GT(retry_after, 0);
  EXPECT_LE(retry_after, 120);
  // Another account from the same address is unaffected.
  EXPECT_EQ(try_login(c, other, "correct horse battery").status, 200);
}

TEST(LoginThrottle, SuccessForgivesEarlierFailures) {
  TestServer server(Env{{"SCRATCH_LOGIN_MAX_FAILURES", "3"}});
  const auto c = server.client();
  const std::string email = unique_email();
  signup(c, email);
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 2; ++i)
      try_login(c, email, "wrong password");
    EXPECT_EQ(try_login(c, email, "correct horse battery").status, 200) << "round " << round;
  }
}

TEST(LoginThrottle, LimitsFailuresPerClientAddressAcrossAccounts) {
  TestServer server(
      Env{{"SCRATCH_LOGIN_MAX_FAILURES", "100"}, {"SCRATCH_LOGIN_MAX_FAILURES_PER_ADDRESS", "4"}});
  const auto c = server.client();
  const std::string victim = unique_email();
  signup(c, victim);
  for (int i = 0; i < 4; ++i)
    try_login(c, unique_email(), "spraying passwords");
  expect_problem(try_login(c, victim, "correct horse battery"), 429, "too_many_login_attempts");
}

TEST(LoginThrottle, WindowEndsAndLoginWorksAgain) {
  TestServer server(Env{{"SCRATCH_LOGIN_MAX_FAILURES", "2"}, {"SCRATCH_LOGIN_WINDOW_SECONDS", "2"}});
  const auto c = server.client();
  const std::string email = unique_email();
  signup(c, email);
  for (int i = 0; i < 2; ++i)
    try_login(c, email, "wrong password");
  expect_problem(try_login(c, email, "correct horse battery"), 429, "too_many_login_attempts");
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  EXPECT_EQ(try_login(c, email, "correct horse battery").status, 200);
}

TEST(LoginThrottle, IsSharedBetweenInstances) {
  TestServer first(Env{{"SCRATCH_LOGIN_MAX_FAILURES", "2"}});
  ScratchdProcess::Options options;
  options.database_url = first.db.url();
  options.env = {{"SCRATCH_LOGIN_MAX_FAILURES", "2"}};
  ScratchdProcess second(options);
  const std::string email = unique_email();
  signup(first.client(), email);
  try_login(first.client(), email, "wrong password");
  try_login(second.client(), email, "wrong password");
  expect_problem(try_login(first.client(), email, "correct horse battery"), 429, "too_many_login_attempts");
}

}  // namespace
}  // namespace scratch::test

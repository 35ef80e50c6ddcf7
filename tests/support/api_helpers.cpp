#include "support/api_helpers.hpp"

#include <atomic>

#include "support/random_hex.hpp"

namespace scratch::test {

TestServer::TestServer(std::map<std::string, std::string> env, std::vector<std::string> args) {
  ScratchdProcess::Options options;
  options.database_url = db.url();
  options.env = std::move(env);
  options.args = std::move(args);
  process = std::make_unique<ScratchdProcess>(options);
}

std::string unique_email(const std::string& tag) {
  static std::atomic<int> counter{0};
  return tag + "-" + std::to_string(++counter) + "-" + random_hex(4) + "@example.com";
}

nlohmann::json signup(const HttpClient& client, const std::string& email, const std::string& password) {
  const auto r = client.post_json("/api/v1/auth/signup", {{"email", email}, {"password", password}});
  EXPECT_EQ(r.status, 201) << r.body;
  return r.json();
}

nlohmann::json login(const HttpClient& client, const std::string& email, const std::string& password) {
  const auto r = client.post_json("/api/v1/auth/login", {{"email", email}, {"password", password}});
  EXPECT_EQ(r.status, 200) << r.body;
  return r.json();
}

void expect_problem(const HttpResponse& response, long status, const std::string& code) {
  EXPECT_EQ(response.status, status) << response.body;
  EXPECT_EQ(response.header("Content-Type"), "application/problem+json") << response.body;
  nlohmann::json body;
  try {
    body = response.json();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not JSON: " << response.body;
    return;
  }
  EXPECT_EQ(body.value("code", ""), code) << response.body;
  EXPECT_EQ(body.value("status", 0), status) << response.body;
  EXPECT_TRUE(body.contains("title") && body.contains("type") && body.contains("request_id"))
      << response.body;
  EXPECT_EQ(body.value("request_id", ""), response.header("X-Request-Id"));
}

}  // namespace scratch::test

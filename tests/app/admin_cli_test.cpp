// `scratchd admin`: the first admin is made from the shell, and admin-only routes then open up.
#include <gtest/gtest.h>

#include "support/api_helpers.hpp"

namespace scratch::test {
namespace {

using nlohmann::json;

TEST(AdminCli, CreatesAnAdminWhoCanReadAdminInfo) {
  TestServer server;
  const std::string email = unique_email("admin");
  const auto r = run_scratchd_cli({"admin", "create-user", "--email", email, "--admin"},
                                  {{"DATABASE_URL", server.db.url()}}, "a long admin password\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("created ADMIN"), std::string::npos) << r.out;
  const json session = login(server.client(), email, "a long admin password");
  EXPECT_EQ(session["user"]["role"], "ADMIN");
  const auto info = server.client().get("/api/v1/admin/info", session["access_token"].get<std::string>());
  ASSERT_EQ(info.status, 200) << info.body;
  const json body = info.json();
  EXPECT_FALSE(body["version"].get<std::string>().empty());
  EXPECT_GE(body["uptime_seconds"].get<double>(), 0.0);
  EXPECT_EQ(body["database"]["status"], "up");
  EXPECT_GE(body["database"]["schema_version"].get<int>(), 1);
}

TEST(AdminCli, SetRolePromotesAnExistingUserImmediately) {
  TestServer server;
  const std::string email = unique_email();
  const std::string token = signup(server.client(), email)["access_token"];
  expect_problem(server.client().get("/api/v1/admin/info", token), 403, "forbidden");
  const auto r = run_scratchd_cli({"admin", "set-role", "--email", email, "--role", "ADMIN"},
                                  {{"DATABASE_URL", server.db.url()}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(server.client().get("/api/v1/admin/info", token).status, 200);  // role is read per request
}

TEST(AdminCli, RefusesDuplicatesWeakPasswordsAndMissingArguments) {
  TestServer server;
  const std::map<std::string, std::string> env = {{"DATABASE_URL", server.db.url()}};
  const std::string email = unique_email();
  signup(server.client(), email);
  const auto dup =
      run_scratchd_cli({"admin", "create-user", "--email", email}, env, "another long password\n");
  EXPECT_EQ(dup.exit_code, 1);
  EXPECT_NE(dup.err.find("email_taken"), std::string::npos) << dup.err;
  const auto weak = run_scratchd_cli({"admin", "create-user", "--email", unique_email()}, env, "short\n");
  EXPECT_EQ(weak.exit_code, 1);
  EXPECT_NE(weak.err.find("password"), std::string::npos) << weak.err;
  EXPECT_EQ(run_scratchd_cli({"admin", "create-user"}, env).exit_code, 2);
  EXPECT_EQ(run_scratchd_cli({"admin", "set-role", "--email", email, "--role", "ROOT"}, env).exit_code, 2);
  EXPECT_EQ(
      run_scratchd_cli({"admin", "set-role", "--email", unique_email(), "--role", "ADMIN"}, env).exit_code,
      1);
}

}  // namespace
}  // namespace scratch::test

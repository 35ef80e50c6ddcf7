// Small helpers shared by the integration tests: a running server on a fresh database, and accounts.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "support/scratchd_process.hpp"
#include "support/test_database.hpp"

namespace scratch::test {

// A fresh database and a scratchd serving it, for one test.
using Env = std::map<std::string, std::string>;

struct TestServer {
  explicit TestServer(std::map<std::string, std::string> env = {}, std::vector<std::string> args = {"serve"});
  TestDatabase db;
  std::unique_ptr<ScratchdProcess> process;
  HttpClient client() const { return process->client(); }
};

// A test with its own fresh database and server. ctest runs every test in its own process, so a
// per-suite server would not be shared anyway; per test keeps tests independent.
class ServerTest : public ::testing::Test {
 protected:
  explicit ServerTest(Env env = {}) : server_(std::move(env)) {}
  HttpClient client() const { return server_.client(); }
  TestServer server_;
};

std::string unique_email(const std::string& tag = "user");
// Signs up and returns the token pair response (asserts 201).
nlohmann::json signup(const HttpClient& client, const std::string& email,
                      const std::string& password = "correct horse battery");
nlohmann::json login(const HttpClient& client, const std::string& email,
                     const std::string& password = "correct horse battery");

// Asserts an RFC 9457 problem response with the given status and code.
void expect_problem(const HttpResponse& response, long status, const std::string& code);

}  // namespace scratch::test

// Jobs over HTTP with two scratchd processes on one database: an api instance takes the job, a worker
// instance runs it; owners only.
#include <gtest/gtest.h>

#include <thread>

#include "support/api_helpers.hpp"

namespace scratch::test {
namespace {

using nlohmann::json;

TEST(JobsApi, EnqueuedOnTheApiInstanceRunsOnTheWorkerInstance) {
  TestServer api(Env{{"SCRATCH_DIAGNOSTIC_JOBS", "true"}}, {"serve", "--role", "api"});
  ScratchdProcess::Options o;
  o.database_url = api.db.url();
  o.args = {"serve", "--role", "worker"};
  o.env = {{"SCRATCH_DIAGNOSTIC_JOBS", "true"}};
  ScratchdProcess worker(o);
  const auto c = api.client();
  const std::string token = signup(c, unique_email())["access_token"];
  const auto created = c.post_json(
      "/api/v1/jobs", {{"type", "diag.sleep"}, {"payload", {{"steps", 3}, {"step_ms", 50}}}}, token);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = created.json()["id"];
  EXPECT_EQ(created.json()["state"], "queued");
  json job;
  for (int i = 0; i < 100; ++i) {
    job = c.get("/api/v1/jobs/" + id, token).json();
    if (job["state"] == "succeeded") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(job["state"], "succeeded") << job.dump();
  EXPECT_EQ(job["progress"]["done"], 3);
  EXPECT_EQ(job["result"]["steps"], 3);

  const auto listed = c.get("/api/v1/jobs?state=succeeded&type=diag.sleep", token).json();
  ASSERT_EQ(listed["items"].size(), 1u);
  EXPECT_TRUE(c.get("/api/v1/jobs?state=failed", token).json()["items"].empty());
  expect_problem(c.get("/api/v1/jobs?state=bogus", token), 400, "invalid_query");

  const std::string other = signup(c, unique_email())["access_token"];
  expect_problem(c.get("/api/v1/jobs/" + id, other), 404, "not_found");
  expect_problem(c.post_json("/api/v1/jobs/" + id + "/cancel", json::object(), other), 404, "not_found");
  EXPECT_TRUE(c.get("/api/v1/jobs", other).json()["items"].empty());
}

TEST(JobsApi, CancelAQueuedJobAndRejectUnknownTypes) {
  TestServer api(Env{{"SCRATCH_DIAGNOSTIC_JOBS", "true"}},
                 {"serve", "--role", "api"});  // no worker: stays queued
  const auto c = api.client();
  const std::string token = signup(c, unique_email())["access_token"];
  const std::string id = c.post_json("/api/v1/jobs", {{"type", "diag.noop"}}, token).json()["id"];
  const auto cancelled = c.post_json("/api/v1/jobs/" + id + "/cancel", json::object(), token);
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.json()["state"], "cancelled");
  expect_problem(c.post_json("/api/v1/jobs", {{"type", "snapshot.download"}}, token), 422,
                 "validation_failed");
}

TEST(JobsApi, DiagnosticJobsAreOffByDefault) {
  TestServer api;
  const std::string token = signup(api.client(), unique_email())["access_token"];
  expect_problem(api.client().post_json("/api/v1/jobs", {{"type", "diag.noop"}}, token), 422,
                 "validation_failed");
}

}  // namespace
}  // namespace scratch::test

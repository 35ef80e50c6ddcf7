// Live events over Server-Sent Events with real processes: a job runs on a worker instance and its
// progress reaches a client of the api instance; resume with Last-Event-ID; users see only their own.
#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <thread>

#include "support/api_helpers.hpp"
#include "support/sse_client.hpp"

namespace scratch::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

struct TwoInstances {
  TwoInstances()
      : api(Env{{"SCRATCH_DIAGNOSTIC_JOBS", "true"}, {"SCRATCH_SSE_HEARTBEAT_SECONDS", "1"}},
            {"serve", "--role", "api"}) {}
  void start_worker() {
    ScratchdProcess::Options o;
    o.database_url = api.db.url();
    o.args = {"serve", "--role", "worker"};
    o.env = {{"SCRATCH_DIAGNOSTIC_JOBS", "true"}};
    worker = std::make_unique<ScratchdProcess>(o);
  }
  TestServer api;
  std::unique_ptr<ScratchdProcess> worker;
};

std::string enqueue(const HttpClient& c, const std::string& token, const json& body) {
  const auto r = c.post_json("/api/v1/jobs", body, token);
  EXPECT_EQ(r.status, 201) << r.body;
  return r.json()["id"];
}

TEST(Sse, JobProgressFromAWorkerInstanceReachesAClientOfTheApiInstance) {
  TwoInstances s;
  const auto c = s.api.client();
  const std::string token = signup(c, unique_email())["access_token"];
  const std::string id =
      enqueue(c, token, {{"type", "diag.sleep"}, {"payload", {{"steps", 5}, {"step_ms", 150}}}});
  SseClient stream(s.api.process->port(), "/api/v1/jobs/" + id + "/events", token);
  ASSERT_EQ(stream.status(), 200);
  s.start_worker();
  std::vector<std::string> kinds;
  int progress = 0;
  while (auto e = stream.next(20s)) {
    if (e->event == "comment") continue;
    kinds.push_back(e->event);
    if (e->event == "job.progress") {
      ++progress;
      EXPECT_FALSE(e->id.empty());
      EXPECT_EQ(json::parse(e->data)["entity_id"], id);
    }
  }
  EXPECT_TRUE(stream.ended());  // the stream closes itself after the final state
  ASSERT_FALSE(kinds.empty());
  EXPECT_EQ(kinds.front(), "job.state");
  EXPECT_EQ(kinds.back(), "job.succeeded");
  EXPECT_GE(progress, 5);
}

TEST(Sse, ResumingWithLastEventIdLosesNoEvent) {
  TwoInstances s;
  const auto c = s.api.client();
  const std::string token = signup(c, unique_email())["access_token"];
  std::string last_id;
  {
    SseClient stream(s.api.process->port(), "/api/v1/events", token);
    enqueue(c, token, {{"type", "diag.noop"}});
    while (auto e = stream.next(5s)) {
      if (e->event == "job.queued") {
        last_id = e->id;
        break;
      }
    }
  }
  ASSERT_FALSE(last_id.empty());
  // While disconnected: more jobs are queued, and one is cancelled.
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i)
    ids.push_back(enqueue(c, token, {{"type", "diag.noop"}, {"payload", {{"n", i}}}}));
  c.post_json("/api/v1/jobs/" + ids[2] + "/cancel", json::object(), token);
  std::vector<long long> expected;
  {
    pqxx::connection db{s.api.db.url()};
    pqxx::nontransaction n{db};
    for (const auto& r :
         n.exec_params("SELECT seq FROM events WHERE seq > $1 ORDER BY seq", std::stoll(last_id))) {
      expected.push_back(r[0].as<long long>());
    }
  }
  ASSERT_EQ(expected.size(), 6u);
  SseClient resumed(s.api.process->port(), "/api/v1/events", token, last_id);
  std::vector<long long> got;
  while (got.size() < expected.size()) {
    auto e = resumed.next(5s);
    ASSERT_TRUE(e.has_value()) << "got " << got.size() << " of " << expected.size();
    if (e->event != "comment") got.push_back(std::stoll(e->id));
  }
  EXPECT_EQ(got, expected);
  // And it stays live.
  const std::string later = enqueue(c, token, {{"type", "diag.noop"}});
  std::optional<SseEvent> e;
  do {
    e = resumed.next(5s);
  } while (e && e->event == "comment");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(json::parse(e->data)["entity_id"], later);
}

TEST(Sse, UsersOnlyEverReceiveTheirOwnEvents) {
  TwoInstances s;
  const auto c = s.api.client();
  const std::string alice = signup(c, unique_email())["access_token"];
  const std::string bob = signup(c, unique_email())["access_token"];
  SseClient bobs(s.api.process->port(), "/api/v1/events", bob);
  const std::string job = enqueue(c, alice, {{"type", "diag.noop"}});
  SseClient denied(s.api.process->port(), "/api/v1/jobs/" + job + "/events", bob);
  EXPECT_EQ(denied.status(), 404);
  EXPECT_NE(denied.body_if_not_stream().find("not_found"), std::string::npos);
  const std::string own = enqueue(c, bob, {{"type", "diag.noop"}});
  // Bob's stream carries heartbeats and his own job, never Alice's.
  bool saw_own = false;
  while (auto e = bobs.next(3s)) {
    if (e->event == "comment") continue;
    const auto entity = json::parse(e->data)["entity_id"].get<std::string>();
    EXPECT_NE(entity, job);
    saw_own |= entity == own;
    if (saw_own) break;
  }
  EXPECT_TRUE(saw_own);
}

TEST(Sse, HeartbeatsKeepAnIdleStreamAliveAndBadResumeIdsAreRefused) {
  TwoInstances s;
  const auto c = s.api.client();
  const std::string token = signup(c, unique_email())["access_token"];
  SseClient stream(s.api.process->port(), "/api/v1/events", token);
  bool heartbeat = false;
  while (auto e = stream.next(3s)) {
    if (e->event == "comment" && e->data.find("heartbeat") != std::string::npos) {
      heartbeat = true;
      break;
    }
  }
  EXPECT_TRUE(heartbeat);
  SseClient bad(s.api.process->port(), "/api/v1/events", token, "not-a-number");
  EXPECT_EQ(bad.status(), 400);
  SseClient anonymous(s.api.process->port(), "/api/v1/events", "");
  EXPECT_EQ(anonymous.status(), 401);
}

TEST(Sse, AClientThatStopsReadingIsDroppedWithoutStallingOthers) {
  TwoInstances s;
  const auto c = s.api.client();
  const auto signed_up =
      c.post_json("/api/v1/auth/signup", {{"email", unique_email()}, {"password", "long enough pw"}});
  const std::string token = signed_up.json()["access_token"];
  const std::string user = signed_up.json()["user"]["id"];
  SseClient stalled(s.api.process->port(), "/api/v1/events", token);  // never read until the end
  SseClient active(s.api.process->port(), "/api/v1/events", token);
  constexpr int kEvents = 400;
  const std::string blob(100 * 1024, 'x');  // 40 MB in all: past the socket buffers and the 8 MiB allowance
  std::thread publisher([&] {
    pqxx::connection db{s.api.db.url()};
    for (int i = 0; i < kEvents; ++i) {
      pqxx::work w{db};
      const auto seq =
          w.exec_params1(
               "INSERT INTO events (user_id, topic, kind, data) VALUES ($1::uuid, 'bench', 'bench.big', "
               "jsonb_build_object('i', $2::int, 'blob', $3::text)) RETURNING seq",
               user, i, blob)[0]
              .as<long long>();
      w.exec_params("SELECT pg_notify('scratch_events', $1)", std::to_string(seq));
      w.commit();
    }
  });
  int received = 0;
  const auto started = std::chrono::steady_clock::now();
  while (received < kEvents) {
    auto e = active.next(20s);
    if (!e) break;
    if (e->event == "bench.big") ++received;
  }
  publisher.join();
  EXPECT_EQ(received, kEvents);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 60s);
  int stalled_received = 0;
  while (auto e = stalled.next(3s)) {
    if (e->event == "bench.big") ++stalled_received;
  }
  EXPECT_LT(stalled_received, kEvents);  // dropped once its unsent bytes passed the cap
  EXPECT_TRUE(s.api.process->running());
}

}  // namespace
}  // namespace scratch::test

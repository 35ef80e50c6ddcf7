// The snapshot's live event stream over HTTP: an edit reaches the owner as records.changed, a suggestion
// reaches an agent's stream, and a stream resumed with Last-Event-ID gets what happened in between.
#include <gtest/gtest.h>

#include <optional>
#include <thread>

#include "snapshot_fixture.hpp"
#include "support/sse_client.hpp"

namespace scratch::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// The event's own payload: the log wraps it as {seq, topic, entity_id, kind, data, created_at}.
json payload_of(const SseEvent& e) {
  json body = json::parse(e.data, nullptr, false);
  if (body.is_object() && body.contains("data") && body["data"].is_object()) return body["data"];
  return body;
}

// Waits for a records.changed event naming `record_id` (and `source` unless empty); returns it, or null.
std::optional<SseEvent> wait_records_changed(SseClient& stream, const std::string& table_id,
                                             const std::string& record_id, const std::string& source,
                                             std::vector<std::string>* seen = nullptr) {
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  while (std::chrono::steady_clock::now() < deadline) {
    auto e = stream.next(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
    if (!e) return std::nullopt;
    if (e->event == "comment") continue;
    if (seen) seen->push_back(e->event + " " + e->data);
    if (e->event != "records.changed") continue;
    json p = payload_of(*e);
    if (p.value("table_id", "") != table_id) continue;
    if (!source.empty() && p.value("source", "") != source) continue;
    json ids = p.value("record_ids", json::array());
    for (auto id : ids)
      if (id == json(record_id)) return e;
  }
  return std::nullopt;
}

class SnapshotEvents : public SnapshotTest {};

TEST_F(SnapshotEvents, EditsAndSuggestionsReachTheStreamAndResumeLosesNothing) {
  const Seeded s = seed_items(6);
  ASSERT_FALSE(s.table_id.empty());
  json records = all_records(user, s.snapshot_id, s.table_id);
  ASSERT_EQ(records.size(), 6u);
  const std::string r1 = by_remote_id(records, "1")["id"], r2 = by_remote_id(records, "2")["id"];
  const std::string events = snapshot_path(s.snapshot_id) + "/events";

  std::string last_id;
  {
    SseClient owner(server_->port(), events, user.token);
    ASSERT_EQ(owner.status(), 200) << owner.body_if_not_stream();
    std::this_thread::sleep_for(200ms);  // the stream is subscribed before the edit
    user.patch_ok(s.records + "/" + r1, {{"values", {{"title", "Live"}}}});
    std::vector<std::string> seen;
    const auto e = wait_records_changed(owner, s.table_id, r1, "edit", &seen);
    ASSERT_TRUE(e.has_value()) << "no records.changed for the edit; saw:\n" << ::testing::PrintToString(seen);
    EXPECT_FALSE(e->id.empty());
    json p = payload_of(*e);
    EXPECT_GE(p.value("count", 0), 1) << e->data;
    last_id = e->id;
  }

  // Happened while nobody listened: a bulk update.
  json filter = {{"field", "title"}, {"op", "eq"}, {"value", "Blue plum 2"}};
  json bulk = user.post_ok(s.records + "/bulk-update", {{"filter", filter}, {"values", {{"qty", 9}}}});
  EXPECT_EQ(bulk.value("updated", -1), 1) << bulk.dump();
  {
    SseClient resumed(server_->port(), events, user.token, last_id);
    ASSERT_EQ(resumed.status(), 200) << resumed.body_if_not_stream();
    std::vector<std::string> seen;
    EXPECT_TRUE(wait_records_changed(resumed, s.table_id, r2, "bulk", &seen).has_value())
        << "the bulk update was lost on resume; saw:\n"
        << ::testing::PrintToString(seen);
  }

  // An agent's stream sees its own suggestions.
  const std::string agent = agent_token(user, s.snapshot_id);
  SseClient agent_stream(server_->port(), events, agent);
  ASSERT_EQ(agent_stream.status(), 200) << agent_stream.body_if_not_stream();
  std::this_thread::sleep_for(200ms);
  with_token(agent).post_ok(
      snapshot_path(s.snapshot_id) + "/suggestions",
      {{"table_id", s.table_id}, {"updates", {{{"record_id", r2}, {"values", {{"title", "Idea"}}}}}}});
  std::vector<std::string> seen;
  EXPECT_TRUE(wait_records_changed(agent_stream, s.table_id, r2, "suggestion", &seen).has_value())
      << ::testing::PrintToString(seen);

  // An agent cannot listen to another snapshot.
  const std::string other = create_snapshot(user, "other");
  SseClient elsewhere(server_->port(), snapshot_path(other) + "/events", agent);
  EXPECT_EQ(elsewhere.status(), 404) << elsewhere.body_if_not_stream();
  SseClient anonymous(server_->port(), events, "");
  EXPECT_EQ(anonymous.status(), 401) << anonymous.body_if_not_stream();
}

}  // namespace
}  // namespace scratch::test

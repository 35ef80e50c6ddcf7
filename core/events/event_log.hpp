// Appending to and reading from the event log (table `events`). Appends happen inside the transaction of
// the change they describe, so an event exists exactly when its change committed; NOTIFY (sent at commit)
// wakes every instance's EventBus.
#pragma once

#include <nlohmann/json.hpp>
#include <pqxx/transaction_base>
#include <string>
#include <vector>

namespace scratch::events {

constexpr const char* kChannel = "scratch_events";

struct Event {
  long long seq = 0;
  std::string user_id;
  std::string topic;
  std::string entity_id;
  std::string kind;
  nlohmann::json data;
  std::string created_at;
};

// Appends an event and notifies listeners at commit. Returns its sequence number.
long long publish(pqxx::transaction_base& tx, const std::string& user_id, const std::string& topic,
                  const std::string& entity_id, const std::string& kind, const nlohmann::json& data);

// Events after `after_seq`, oldest first; empty user_id means every user (for the bus).
std::vector<Event> read_after(pqxx::transaction_base& tx, long long after_seq, const std::string& user_id,
                              const std::string& entity_id, int limit);

// The SSE frame for an event: id, event and one data line.
std::string sse_frame(const Event& event);

}  // namespace scratch::events

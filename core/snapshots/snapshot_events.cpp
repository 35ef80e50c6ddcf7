#include "snapshots/snapshot_events.hpp"

#include "events/event_log.hpp"

namespace scratch::snapshots {

void records_changed(pqxx::transaction_base& tx, const std::string& user_id, const std::string& snapshot_id,
                     const std::string& table_id, const std::vector<long long>& record_ids, long long count,
                     const std::string& source) {
  if (count == 0) return;
  nlohmann::json ids = nlohmann::json::array();
  for (std::size_t i = 0; i < record_ids.size() && i < 100; ++i)
    ids.push_back(std::to_string(record_ids[i]));
  snapshot_event(tx, user_id, snapshot_id, "records.changed",
                 {{"table_id", table_id}, {"record_ids", ids}, {"count", count}, {"source", source}});
}

void snapshot_event(pqxx::transaction_base& tx, const std::string& user_id, const std::string& snapshot_id,
                    const std::string& kind, const nlohmann::json& data) {
  nlohmann::json body = data;
  body["snapshot_id"] = snapshot_id;
  events::publish(tx, user_id, kTopic, snapshot_id, kind, body);
}

}  // namespace scratch::snapshots

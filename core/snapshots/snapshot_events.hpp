// Events about a snapshot's contents, on the event bus (topic "snapshot", entity = the snapshot id), so the
// owner's other tabs and devices (GET /api/v1/snapshots/{id}/events) see every change. Appended inside the
// transaction of the change, so an event exists exactly when its change committed.
#pragma once

#include <nlohmann/json.hpp>
#include <pqxx/transaction_base>
#include <string>
#include <vector>

namespace scratch::snapshots {

constexpr const char* kTopic = "snapshot";

// `source`: edit | suggestion | download | publish | bulk. At most 100 ids are listed; `count` is the total.
void records_changed(pqxx::transaction_base& tx, const std::string& user_id, const std::string& snapshot_id,
                     const std::string& table_id, const std::vector<long long>& record_ids, long long count,
                     const std::string& source);

void snapshot_event(pqxx::transaction_base& tx, const std::string& user_id, const std::string& snapshot_id,
                    const std::string& kind, const nlohmann::json& data);

}  // namespace scratch::snapshots

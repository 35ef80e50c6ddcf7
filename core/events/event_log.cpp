#include "events/event_log.hpp"

#include <pqxx/pqxx>

namespace scratch::events {

long long publish(pqxx::transaction_base& tx, const std::string& user_id, const std::string& topic,
                  const std::string& entity_id, const std::string& kind, const nlohmann::json& data) {
  const long long seq = tx.exec_params1(
                              "INSERT INTO events (user_id, topic, entity_id, kind, data) "
                              "VALUES ($1::uuid, $2, nullif($3, '')::uuid, $4, $5::jsonb) RETURNING seq",
                              user_id, topic, entity_id, kind, data.dump())[0]
                            .as<long long>();
  tx.exec_params("SELECT pg_notify($1, $2)", kChannel, std::to_string(seq));
  return seq;
}

std::vector<Event> read_after(pqxx::transaction_base& tx, long long after_seq, const std::string& user_id,
                              const std::string& entity_id, int limit) {
  std::vector<Event> out;
  for (const auto& r : tx.exec_params("SELECT seq, user_id::text, topic, coalesce(entity_id::text, ''), "
                                      "kind, data::text, scratch_iso(created_at) "
                                      "FROM events WHERE seq > $1 AND ($2 = '' OR user_id = $2::uuid) "
                                      "AND ($3 = '' OR entity_id = $3::uuid) ORDER BY seq LIMIT $4",
                                      after_seq, user_id, entity_id, limit)) {
    out.push_back({r[0].as<long long>(), r[1].as<std::string>(), r[2].as<std::string>(),
                   r[3].as<std::string>(), r[4].as<std::string>(),
                   nlohmann::json::parse(r[5].as<std::string>()), r[6].as<std::string>()});
  }
  return out;
}

std::string sse_frame(const Event& e) {
  const nlohmann::json body = {{"seq", e.seq},   {"topic", e.topic}, {"entity_id", e.entity_id},
                               {"kind", e.kind}, {"data", e.data},   {"created_at", e.created_at}};
  return "id: " + std::to_string(e.seq) + "\nevent: " + e.kind + "\ndata: " + body.dump() + "\n\n";
}

}  // namespace scratch::events

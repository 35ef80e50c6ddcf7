#include "snapshots/snapshot_access.hpp"

#include <algorithm>
#include <pqxx/pqxx>

#include "auth/user_store.hpp"
#include "db/transaction.hpp"
#include "http/problem.hpp"

namespace scratch::snapshots {
namespace {

http::ApiError agent_forbidden(const std::string& detail) {
  return http::ApiError(403, "agent_token_forbidden", "Not allowed for agent tokens", detail);
}

}  // namespace

auth::Principal SnapshotAccess::require(const http::Request& request, const std::string& snapshot_id,
                                        Need need) const {
  auth::Principal p = authenticator_.require_user_or_agent(request);
  if (p.is_agent()) {
    if (p.agent_snapshot_id != snapshot_id) throw http::errors::not_found("snapshot " + snapshot_id);
    if (need == Need::owner) {
      throw agent_forbidden("an agent token can only read its snapshot and suggest changes");
    }
    const auto& caps = p.agent_capabilities;
    const char* wanted = need == Need::read ? "read" : "suggest";
    if (std::find(caps.begin(), caps.end(), wanted) == caps.end()) {
      throw agent_forbidden(std::string("this agent token lacks the '") + wanted + "' capability");
    }
  }
  if (!auth::is_uuid(snapshot_id)) throw http::errors::not_found("snapshot " + snapshot_id);
  const bool mine = db::with_read(pool_, [&](pqxx::read_transaction& tx) {
    return !tx.exec_params("SELECT 1 FROM snapshots WHERE id = $1::uuid AND user_id = $2::uuid", snapshot_id,
                           p.user_id)
                .empty();
  });
  if (!mine) throw http::errors::not_found("snapshot " + snapshot_id);
  return p;
}

}  // namespace scratch::snapshots

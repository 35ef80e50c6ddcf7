#include "snapshots/snapshot_access.hpp"

#include <algorithm>
#include <pqxx/pqxx>

#include "auth/user_store.hpp"
#include "db/transaction.hpp"
#include "http/problem.hpp"
#include "snapshots/agent_capabilities.hpp"

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
    if (need == Need::suggest && !has_capability(p, "suggest_update") &&
        !has_capability(p, "suggest_create") && !has_capability(p, "suggest_delete")) {
      require_capability(p, "suggest_update");
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

// Who may do what with a snapshot. Owners may do everything; an agent token may read its one snapshot and
// suggest changes to it, nothing else. A snapshot that is not the caller's is 404, never 403, so ids of
// other users' snapshots cannot be probed.
#pragma once

#include <string>

#include "auth/authenticator.hpp"
#include "db/connection_pool.hpp"
#include "http/request.hpp"

namespace scratch::snapshots {

enum class Need { owner, read, suggest };

class SnapshotAccess {
 public:
  SnapshotAccess(db::ConnectionPool& pool, const auth::Authenticator& authenticator)
      : pool_(pool), authenticator_(authenticator) {}

  // The caller, allowed `need` on the snapshot: 401 unauthenticated, 403 agent_token_forbidden for an agent
  // on an owner route, 404 when the snapshot is not the caller's.
  auth::Principal require(const http::Request& request, const std::string& snapshot_id, Need need) const;
  // Users only (routes not about one snapshot, such as listing snapshots).
  auth::Principal require_user(const http::Request& request) const { return authenticator_.require(request); }

 private:
  db::ConnectionPool& pool_;
  const auth::Authenticator& authenticator_;
};

}  // namespace scratch::snapshots

// The snapshot API under /api/v1/snapshots (see docs/snapshots.md), and the services behind it.
#pragma once

#include "accounts/account_service.hpp"
#include "auth/authenticator.hpp"
#include "db/connection_pool.hpp"
#include "events/event_bus.hpp"
#include "http/router.hpp"
#include "snapshots/agent_token_service.hpp"
#include "snapshots/record_reader.hpp"
#include "snapshots/record_writer.hpp"
#include "snapshots/snapshot_access.hpp"
#include "snapshots/snapshot_service.hpp"
#include "snapshots/suggestion_service.hpp"

namespace scratch::snapshots {

struct SnapshotServices {
  SnapshotServices(db::ConnectionPool& pool, const auth::Authenticator& authenticator,
                   accounts::AccountService& accounts)
      : pool(pool),
        access(pool, authenticator),
        snapshots(pool, accounts),
        reader(pool),
        writer(pool),
        suggestions(pool),
        agent_tokens(pool) {}
  db::ConnectionPool& pool;
  SnapshotAccess access;
  SnapshotService snapshots;
  RecordReader reader;
  RecordWriter writer;
  SuggestionService suggestions;
  AgentTokenService agent_tokens;
};

void add_snapshot_routes(http::Router& router, SnapshotServices& s, events::EventBus& bus);
void add_record_routes(http::Router& router, SnapshotServices& s);
void add_suggestion_routes(http::Router& router, SnapshotServices& s);

}  // namespace scratch::snapshots

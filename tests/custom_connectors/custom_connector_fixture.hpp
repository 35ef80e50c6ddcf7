// What the custom connector tests share: a real scratchd whose Lua connectors may reach 127.0.0.1 (the
// in-test HTTP server), a small "items" JSON API served from the test, and a Lua connector for it.
#pragma once

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "net/test_http_server.hpp"
#include "snapshots/snapshot_fixture.hpp"

namespace scratch::test {

// GET /me (bearer "secret-token" or 401), GET /items?page=N (2 per page), POST /items, PATCH/DELETE
// /items/{id}. Thread-safe: the server answers from its connection threads.
class ItemsApi {
 public:
  explicit ItemsApi(int count = 5);
  std::string base_url() const { return server_.url(""); }
  nlohmann::json items() const;  // {id: title}
  std::size_t request_count() const { return server_.request_count(); }

 private:
  net::test::ScriptedReply handle(const net::test::ReceivedRequest& request);
  mutable std::mutex mutex_;
  std::map<int, std::string> items_;
  int next_id_ = 1;
  net::test::TestHttpServer server_;
};

// The Lua connector for ItemsApi (config.base_url, credentials.token), reads 2 records a page and writes.
extern const char* const kItemsScript;

class CustomConnectorTest : public SnapshotTest {
 protected:
  explicit CustomConnectorTest(Env extra = {});
  // POST /api/v1/custom-connectors; asserts 201.
  nlohmann::json create_connector(const ApiUser& as, const std::string& name, const std::string& script);
  // A connector account for `connector` ("custom:<id>@<n>") pointing at the items API; returns the response.
  HttpResponse create_account(const ApiUser& as, const std::string& connector, const ItemsApi& api);
};

}  // namespace scratch::test

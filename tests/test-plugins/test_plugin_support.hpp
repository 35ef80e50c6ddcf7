// What the test plugins share: a valid spec and a well-behaved connector over one table, "items". Each test
// plugin derives from ItemsConnector and overrides only the behaviour it exists to test, so its file shows
// nothing else.
#pragma once

#include <scratch/plugin.hpp>

#include <string>

// A minimal valid spec. A macro of string literals, because the descriptor needs text with static lifetime.
#define TEST_PLUGIN_SPEC(DISPLAY_NAME)                                                   \
  "{\"display_name\":\"" DISPLAY_NAME                                                    \
  "\",\"description\":\"A plugin for Scratch's tests.\","                                \
  "\"capabilities\":[\"read\",\"create\",\"update\",\"delete\"],"                        \
  "\"limits\":{\"max_page_size\":100,\"max_write_batch\":10,\"requests_per_second\":0}," \
  "\"config_schema\":{\"type\":\"object\"},\"credentials_schema\":{\"type\":\"object\"}}"

namespace test_plugins {

using scratch::plugin::Error;

// Deterministic on purpose, so tests can assert exact results:
//   check        {"ok":true,"message":"test plugin reachable"}
//   list_tables  one table "items" with text fields "id" (read-only) and "name"
//   read         items 1 and 2 with next_cursor "page-2", then item 3 with next_cursor null (page_size
//   ignored) write        every op succeeds: ref echoed, id = the op's id (or "created-<n>" for the n-th op,
//   from 1, if
//                it has none), fields = the op's fields (or {})
class ItemsConnector : public scratch::plugin::Connector {
 public:
  // So derived test plugins can say json, Host and Call without using-declarations of their own.
  using json = scratch::plugin::json;
  using Host = scratch::plugin::Host;
  using Call = scratch::plugin::Call;

  // With config.probe_url, check goes through the host's HTTP client (so tests can see retries and rate
  // limits apply to plugins); otherwise it just answers ok.
  json check(Host& host, const Call& call) override {
    if (call.config.contains("probe_url")) {
      scratch::plugin::HttpRequest request;
      request.url = call.config["probe_url"].get<std::string>();
      request.headers["authorization"] = "Bearer " + call.credentials.value("token", "");
      const auto response = host.http(request);
      return {{"ok", response.status < 400}, {"status", response.status}, {"body", response.body}};
    }
    return {{"ok", true}, {"message", "test plugin reachable"}};
  }

  json list_tables(Host&, const Call&) override {
    const json fields =
        json::array({{{"id", "id"}, {"name", "ID"}, {"type", "text"}, {"read_only", true}},
                     {{"id", "name"}, {"name", "Name"}, {"type", "text"}, {"read_only", false}}});
    return {{"tables", json::array({{{"id", "items"},
                                     {"name", "Items"},
                                     {"primary_key", json::array({"id"})},
                                     {"read_only", false},
                                     {"fields", fields}}})}};
  }

  json read(Host&, const Call& call) override {
    require_items(call.request);
    const json cursor = call.request.value("cursor", json());
    if (cursor.is_null()) return {{"records", json::array({item(1), item(2)})}, {"next_cursor", "page-2"}};
    if (cursor == "page-2") return {{"records", json::array({item(3)})}, {"next_cursor", nullptr}};
    throw Error("invalid_cursor", "unknown cursor " + cursor.dump());
  }

  json write(Host&, const Call& call) override {
    require_items(call.request);
    json results = json::array();
    const json ops = call.request.value("ops", json::array());
    for (std::size_t i = 0; i < ops.size(); ++i) {
      const json& op = ops[i];
      const json id =
          op.contains("id") && op["id"].is_string() ? op["id"] : json("created-" + std::to_string(i + 1));
      results.push_back({{"ref", op.value("ref", json())},
                         {"ok", true},
                         {"id", id},
                         {"fields", op.value("fields", json::object())}});
    }
    return {{"results", results}};
  }

 protected:
  static void require_items(const json& request) {
    if (request.value("table", "") != "items")
      throw Error("not_found", "no table " + request.value("table", json()).dump());
  }

  static json item(int n) {
    const std::string id = "item-" + std::to_string(n);
    return {
        {"id", id}, {"fields", {{"id", id}, {"name", "Item " + std::to_string(n)}}}, {"updated_at", nullptr}};
  }
};

}  // namespace test_plugins

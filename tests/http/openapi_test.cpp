// The OpenAPI document served by scratchd lists exactly the routes the server has, and is internally
// consistent (operation ids, path parameters, $refs that resolve).
#include <gtest/gtest.h>

#include <set>

#include "agent/agent_runs.hpp"
#include "app/route_table.hpp"
#include "connectors/runner_pool.hpp"
#include "http/ops_routes.hpp"
#include "support/api_helpers.hpp"

namespace scratch::test {
namespace {

using nlohmann::json;

// The route table exactly as `scratchd serve --role all` builds it (the pool never connects here).
std::set<std::pair<std::string, std::string>> router_routes() {
  db::ConnectionPool pool({"postgresql://nowhere.invalid/none", 1, std::chrono::milliseconds(1)});
  auth::AuthService auth_service(pool, auth::AuthSettings{}, auth::PasswordHasher{});
  auth::Authenticator authenticator(pool, std::string(32, 'x'));
  auth::ApiTokenService tokens(pool);
  connectors::RunnerPool runners({});  // never started: only its routes matter here
  uploads::UploadService uploads(pool, "/nonexistent", 1);
  accounts::AccountService accounts(pool, runners, crypto::SecretBox(std::string(32, 'k')), uploads,
                                    "/nonexistent", std::chrono::seconds(1));
  jobs::JobQueue queue(pool);
  jobs::JobRegistry job_types;
  events::EventBus bus(pool, "postgresql://nowhere.invalid/none", {});
  snapshots::SnapshotServices snapshot_services(pool, authenticator, accounts);
  custom_connectors::LuaScripts lua_scripts(runners, {});
  custom_connectors::CustomConnectorStore custom_store(pool);
  custom_connectors::ScriptedConnectors scripted(runners, custom_store, lua_scripts);
  custom_connectors::CustomConnectorService custom(custom_store, scripted, lua_scripts);
  agent::ReferenceLibrary library(pool, 1024);
  const agent::UrlLoader urls({});
  agent::AgentTools tools(snapshot_services, library, urls, custom);
  const net::HttpClient http;
  const agent::ChatClient chat(http);
  agent::AgentRuns runs(pool, tools, library, custom, chat, crypto::SecretBox(std::string(32, 'k')), {});
  agent::AgentServices agent_services{authenticator, snapshot_services, library, tools, runs, bus};
  app::ApiServices services{auth_service,
                            authenticator,
                            tokens,
                            [] { return json::object(); },
                            "all",
                            runners,
                            accounts,
                            uploads,
                            1 << 20,
                            queue,
                            job_types,
                            false,
                            pool,
                            bus,
                            snapshot_services,
                            custom,
                            agent_services};
  http::Router router;
  http::Metrics metrics;
  http::add_ops_routes(
      router, metrics, [] { return std::nullopt; }, "test");
  app::add_api_routes(router, services);
  std::set<std::pair<std::string, std::string>> out;
  for (const auto& r : router.routes())
    out.insert({r.method, r.path});
  return out;
}

std::set<std::pair<std::string, std::string>> document_routes(const json& doc) {
  std::set<std::pair<std::string, std::string>> out;
  for (const auto& [path, ops] : doc["paths"].items()) {
    for (const auto& [method, op] : ops.items()) {
      std::string upper = method;
      std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
      out.insert({upper, path});
    }
  }
  return out;
}

void collect_refs(const json& node, std::vector<std::string>& refs) {
  if (node.is_object()) {
    for (const auto& [k, v] : node.items()) {
      if (k == "$ref" && v.is_string())
        refs.push_back(v);
      else
        collect_refs(v, refs);
    }
  } else if (node.is_array()) {
    for (const auto& v : node)
      collect_refs(v, refs);
  }
}

class OpenApi : public ServerTest {
 protected:
  void SetUp() override {
    const auto r = client().get("/api/v1/openapi.json");
    ASSERT_EQ(r.status, 200);
    doc_ = r.json();
  }
  json doc_;
};

TEST_F(OpenApi, IsOpenApi31) {
  EXPECT_EQ(doc_["openapi"], "3.1.0");
  EXPECT_FALSE(doc_["info"]["title"].get<std::string>().empty());
}

TEST_F(OpenApi, ListsExactlyTheRoutesOfTheRouter) {
  EXPECT_EQ(document_routes(doc_), router_routes());
}

TEST_F(OpenApi, EveryDocumentedRouteExistsOnTheServer) {
  for (const auto& [method, path] : document_routes(doc_)) {
    std::string concrete = path;
    for (auto pos = concrete.find('{'); pos != std::string::npos; pos = concrete.find('{')) {
      concrete.replace(pos, concrete.find('}', pos) - pos + 1, "00000000-0000-0000-0000-000000000000");
    }
    const auto r = client().request(method, concrete);
    const bool problem = r.header("Content-Type") == "application/problem+json";
    const std::string code = problem ? r.json().value("code", "") : "";
    EXPECT_NE(code, "route_not_found") << method << " " << path;
    EXPECT_NE(code, "method_not_allowed") << method << " " << path;
  }
}

TEST_F(OpenApi, OperationsAreCompleteAndConsistent) {
  std::set<std::string> ids;
  for (const auto& [path, ops] : doc_["paths"].items()) {
    for (const auto& [method, op] : ops.items()) {
      const std::string where = method + " " + path;
      ASSERT_TRUE(op.contains("operationId")) << where;
      EXPECT_TRUE(ids.insert(op["operationId"]).second) << "duplicate operationId at " << where;
      EXPECT_FALSE(op.value("summary", "").empty()) << where;
      bool has_success = false;
      for (const auto& [status, resp] : op["responses"].items())
        has_success |= status[0] == '2';
      EXPECT_TRUE(has_success) << where;
      EXPECT_TRUE(op["responses"].contains("500")) << where;
      // Every {param} in the path is declared as a path parameter.
      std::set<std::string> declared;
      for (const auto& p : op.value("parameters", json::array())) {
        if (p["in"] == "path") declared.insert(p["name"].get<std::string>());
      }
      for (auto pos = path.find('{'); pos != std::string::npos; pos = path.find('{', pos + 1)) {
        EXPECT_TRUE(declared.count(path.substr(pos + 1, path.find('}', pos) - pos - 1))) << where;
      }
    }
  }
}

TEST_F(OpenApi, EveryRefResolves) {
  std::vector<std::string> refs;
  collect_refs(doc_, refs);
  ASSERT_FALSE(refs.empty());
  for (const auto& ref : refs) {
    ASSERT_EQ(ref.rfind("#/", 0), 0u) << ref;
    const json::json_pointer pointer(ref.substr(1));
    EXPECT_TRUE(doc_.contains(pointer)) << "dangling $ref " << ref;
  }
}

TEST_F(OpenApi, AuthenticatedRoutesDeclareBearerSecurity) {
  const auto& me = doc_["paths"]["/api/v1/me"]["get"];
  EXPECT_EQ(me["security"][0].begin().key(), "bearerAuth");
  EXPECT_TRUE(me["responses"].contains("401"));
  EXPECT_TRUE(doc_["components"]["securitySchemes"].contains("bearerAuth"));
}

}  // namespace
}  // namespace scratch::test

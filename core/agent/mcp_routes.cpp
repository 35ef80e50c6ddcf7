// The Model Context Protocol endpoint: Streamable HTTP transport, JSON-RPC 2.0, stateless (no session id:
// every request carries its token). Exposes the agent tools with their JSON Schemas. An agent token works
// on its snapshot; a user's own token may name one with ?snapshot_id= (or use only the builder tools).
//
// Errors: a malformed message or unknown method is a JSON-RPC error; calling an unknown tool or with
// arguments that fail its schema is a JSON-RPC error -32602 (the client sent a bad request); a tool that
// ran and failed (a missing record, a capability the token lacks, a refused URL) is a result with
// isError: true carrying the problem, so the model can read it and try something else.
#include <set>

#include "agent/agent_services.hpp"
#include "http/problem.hpp"
#include "snapshots/agent_capabilities.hpp"
#include "snapshots/snapshot_schemas.hpp"

namespace scratch::agent {
namespace {

using http::Request;
using http::Response;
using nlohmann::json;

const std::vector<std::string> kProtocolVersions = {"2025-06-18", "2025-03-26", "2024-11-05"};

json rpc_error(const json& id, int code, const std::string& message, json data = nullptr) {
  json e = {{"code", code}, {"message", message}};
  if (!data.is_null()) e["data"] = std::move(data);
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", e}};
}

json rpc_result(const json& id, json result) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

json problem_json(const http::ApiError& e) {
  json p = {{"status", e.status()}, {"code", e.code()}, {"title", e.title()}, {"detail", e.detail()}};
  for (const auto& [k, v] : e.extra().items())
    p[k] = v;
  return p;
}

struct Caller {
  auth::Principal principal;
  std::string snapshot_id;
};

class McpHandler {
 public:
  McpHandler(AgentServices& s, Caller caller) : s_(s), caller_(std::move(caller)) {}

  // One message; nullopt for a notification (nothing to answer).
  std::optional<json> handle(const json& message) {
    if (!message.is_object() || message.value("jsonrpc", "") != "2.0" || !message.contains("method") ||
        !message["method"].is_string()) {
      if (message.is_object() && (message.contains("result") || message.contains("error")))
        return std::nullopt;  // a response to a server request: we send none, so nothing to match
      return rpc_error(message.is_object() ? message.value("id", json()) : json(), -32600,
                       "Invalid Request: expected a JSON-RPC 2.0 request object");
    }
    const std::string method = message["method"];
    const bool notification = !message.contains("id");
    const json id = message.value("id", json());
    const json params = message.value("params", json::object());
    if (notification) return std::nullopt;  // notifications/initialized, notifications/cancelled...
    if (method == "initialize") return rpc_result(id, initialize(params));
    if (method == "ping") return rpc_result(id, json::object());
    if (method == "tools/list") return rpc_result(id, {{"tools", tools()}});
    if (method == "tools/call") return call(id, params);
    if (method == "resources/list") return rpc_result(id, {{"resources", json::array()}});
    if (method == "prompts/list") return rpc_result(id, {{"prompts", json::array()}});
    return rpc_error(id, -32601, "Method not found: " + method);
  }

 private:
  json initialize(const json& params) {
    std::string version = kProtocolVersions.front();
    const std::string asked = params.value("protocolVersion", "");
    for (const auto& v : kProtocolVersions)
      if (v == asked) version = v;
    std::string instructions =
        "Scratch: work on a snapshot of the user's data. Call list_tables first. Every change you make is a "
        "suggestion the user reviews; nothing you do is published.";
    if (caller_.snapshot_id.empty())
      instructions =
          "Scratch: build custom Lua connectors with get_connector_contract, validate_connector, "
          "test_connector and save_connector_version.";
    return {{"protocolVersion", version},
            {"capabilities", {{"tools", {{"listChanged", false}}}}},
            {"serverInfo", {{"name", "scratch"}, {"title", "Scratch"}, {"version", SCRATCH_VERSION}}},
            {"instructions", instructions}};
  }

  json tools() {
    json out = json::array();
    for (const auto& t : s_.tools.describe(caller_.principal, !caller_.snapshot_id.empty()))
      out.push_back(
          {{"name", t["name"]}, {"description", t["description"]}, {"inputSchema", t["input_schema"]}});
    return out;
  }

  json call(const json& id, const json& params) {
    if (!params.is_object() || !params.contains("name") || !params["name"].is_string())
      return rpc_error(id, -32602, "Invalid params: tools/call needs a string 'name'");
    const std::string name = params["name"];
    json args = params.value("arguments", json::object());
    if (args.is_null()) args = json::object();  // some clients send null for "no arguments"
    if (!args.is_object()) return rpc_error(id, -32602, "Invalid params: 'arguments' must be an object");
    const Tool* tool = s_.tools.find(name);
    if (!tool || (tool->needs_snapshot && caller_.snapshot_id.empty()))
      return rpc_error(id, -32602, "Unknown tool: " + name, {{"code", "unknown_tool"}});
    try {
      json result = s_.tools.call({caller_.principal, caller_.snapshot_id}, name, args);
      json structured = result.is_object() ? result : json{{"result", result}};
      return rpc_result(id, {{"content", json::array({{{"type", "text"}, {"text", result.dump()}}})},
                             {"structuredContent", structured},
                             {"isError", false}});
    } catch (const http::ApiError& e) {
      if (e.code() == "invalid_arguments")
        return rpc_error(id, -32602, "Invalid params: " + e.detail(), problem_json(e));
      const json problem = problem_json(e);
      return rpc_result(id, {{"content", json::array({{{"type", "text"}, {"text", problem.dump()}}})},
                             {"structuredContent", problem},
                             {"isError", true}});
    }
  }

  AgentServices& s_;
  Caller caller_;
};

// A browser page on another origin must not drive the endpoint with a user's cookies or a local token
// (DNS rebinding): when an Origin is sent it must be this server's.
void check_origin(const Request& request) {
  const auto origin = request.header("Origin");
  if (!origin || origin->empty() || *origin == "null") return;
  const auto host = request.header("Host");
  const auto scheme_end = origin->find("://");
  const std::string origin_host = scheme_end == std::string::npos ? *origin : origin->substr(scheme_end + 3);
  if (!host || origin_host != *host)
    throw http::ApiError(403, "origin_not_allowed", "Origin not allowed",
                         "requests from " + *origin + " may not use this endpoint");
}

Response rpc_response(int status, const json& body) {
  return Response::text(status, body.dump(-1, ' ', false, json::error_handler_t::replace),
                        "application/json");
}

}  // namespace

void add_mcp_routes(http::Router& router, AgentServices& s) {
  router.add(
      "POST", "/mcp",
      {.operation_id = "mcp",
       .summary = "Model Context Protocol (Streamable HTTP, JSON-RPC 2.0): the agent tools for MCP clients. "
                  "Authenticate with an agent token (or your own token plus ?snapshot_id=)",
       .tag = "agent",
       .requires_auth = true,
       .request_schema = {{"type", {"object", "array"}}, {"description", "a JSON-RPC 2.0 message or batch"}},
       .response_schema = {{"type", {"object", "array"}}, {"description", "the JSON-RPC response(s)"}},
       .error_statuses = {400, 401, 403, 404}},
      [&s](Request& request) {
        check_origin(request);
        Caller caller;
        caller.principal = s.authenticator.require_user_or_agent(request);
        if (caller.principal.is_agent()) {
          caller.snapshot_id = caller.principal.agent_snapshot_id;
        } else if (request.query.count("snapshot_id")) {
          caller.snapshot_id = request.query.at("snapshot_id");
          s.snapshots.access.require(request, caller.snapshot_id, snapshots::Need::read);
        }
        const json message = json::parse(request.body, nullptr, false);
        if (message.is_discarded())
          return rpc_response(400, rpc_error(nullptr, -32700, "Parse error: the body is not JSON"));
        McpHandler handler(s, caller);
        if (message.is_array()) {
          if (message.empty())
            return rpc_response(400, rpc_error(nullptr, -32600, "Invalid Request: empty batch"));
          json replies = json::array();
          for (const auto& m : message)
            if (auto r = handler.handle(m)) replies.push_back(std::move(*r));
          if (replies.empty()) return Response::text(202, "", "");
          return rpc_response(200, replies);
        }
        auto reply = handler.handle(message);
        if (!reply) return Response::text(202, "", "");  // notifications and responses: accepted
        return rpc_response(200, *reply);
      });
  // GET and DELETE /mcp are not routes: the router answers them 405 with "Allow: POST", which is what the
  // transport expects from a server that offers no server-initiated stream and keeps no sessions.
}

}  // namespace scratch::agent

#include "http/openapi.hpp"

#include <set>

namespace scratch::http {
namespace {

using nlohmann::json;

const char* reason(int status) {
  switch (status) {
    case 400:
      return "Malformed request (problem+json)";
    case 401:
      return "Missing, invalid, expired or revoked credentials (problem+json)";
    case 403:
      return "Authenticated but not allowed (problem+json)";
    case 404:
      return "Not found, or not yours (problem+json)";
    case 405:
      return "Method not allowed (problem+json)";
    case 409:
      return "Conflicts with existing state (problem+json)";
    case 413:
      return "Request body too large (problem+json)";
    case 415:
      return "Body is not JSON (problem+json)";
    case 422:
      return "Body failed validation; see `errors` (problem+json)";
    case 429:
      return "Too many attempts; see Retry-After (problem+json)";
    case 500:
      return "Unexpected server error (problem+json)";
    case 503:
      return "Database unavailable or server draining; see Retry-After (problem+json)";
    default:
      return "Error (problem+json)";
  }
}

json path_parameters(const Route& route) {
  json params = json::array();
  for (const auto& seg : route.segments) {
    if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
      params.push_back({{"name", seg.substr(1, seg.size() - 2)},
                        {"in", "path"},
                        {"required", true},
                        {"schema", {{"type", "string"}}}});
    }
  }
  return params;
}

}  // namespace

json openapi_component_schemas() {
  return {
      {"Problem",
       {{"type", "object"},
        {"description", "RFC 9457 problem details. `code` is stable; switch on it, not on `title`."},
        {"required", {"type", "title", "status", "code"}},
        {"properties",
         {{"type", {{"type", "string"}}},
          {"title", {{"type", "string"}}},
          {"status", {{"type", "integer"}}},
          {"code", {{"type", "string"}, {"examples", {"validation_failed", "unauthorized"}}}},
          {"detail", {{"type", "string"}}},
          {"instance", {{"type", "string"}}},
          {"request_id", {{"type", "string"}}},
          {"errors",
           {{"type", "array"},
            {"items",
             {{"type", "object"},
              {"properties", {{"field", {{"type", "string"}}}, {"message", {{"type", "string"}}}}}}}}}}}}},
      {"User",
       {{"type", "object"},
        {"required", {"id", "email", "role", "created_at"}},
        {"properties",
         {{"id", {{"type", "string"}, {"format", "uuid"}}},
          {"email", {{"type", "string"}, {"format", "email"}}},
          {"role", {{"type", "string"}, {"enum", {"USER", "ADMIN"}}}},
          {"created_at", {{"type", "string"}, {"format", "date-time"}}}}}}},
      {"TokenPair",
       {{"type", "object"},
        {"required", {"access_token", "refresh_token", "token_type", "expires_in"}},
        {"properties",
         {{"access_token",
           {{"type", "string"}, {"description", "HS256 JWT; send as `Authorization: Bearer`"}}},
          {"refresh_token", {{"type", "string"}, {"description", "single use; rotate with /auth/refresh"}}},
          {"token_type", {{"type", "string"}, {"const", "Bearer"}}},
          {"expires_in", {{"type", "integer"}, {"description", "access token lifetime in seconds"}}},
          {"user", {{"$ref", "#/components/schemas/User"}}}}}}},
      {"ApiToken",
       {{"type", "object"},
        {"required", {"id", "name", "prefix", "created_at"}},
        {"properties",
         {{"id", {{"type", "string"}, {"format", "uuid"}}},
          {"name", {{"type", "string"}}},
          {"prefix",
           {{"type", "string"}, {"description", "first characters of the secret, to recognise it"}}},
          {"created_at", {{"type", "string"}, {"format", "date-time"}}},
          {"expires_at", {{"type", {"string", "null"}}, {"format", "date-time"}}},
          {"last_used_at", {{"type", {"string", "null"}}, {"format", "date-time"}}},
          {"token",
           {{"type", "string"}, {"description", "the secret; present only in the create response"}}}}}}},
  };
}

json build_openapi(const Router& router, const std::string& version) {
  json paths = json::object();
  std::set<int> used;
  for (const auto& route : router.routes()) {
    const RouteDoc& doc = route.doc;
    json op = {{"operationId", doc.operation_id}, {"summary", doc.summary}, {"tags", {doc.tag}}};
    json params = path_parameters(route);
    if (!params.empty()) op["parameters"] = params;
    if (doc.requires_auth)
      op["security"] = json::array({{{"bearerAuth", json::array()}}});
    else
      op["security"] = json::array();
    if (!doc.request_schema.is_null()) {
      op["requestBody"] = {{"required", !doc.request_body_optional},
                           {"content", {{doc.request_content_type, {{"schema", doc.request_schema}}}}}};
    }
    json responses = json::object();
    json success = {{"description", "Success"}};
    if (!doc.response_schema.is_null()) {
      success["content"] = {{doc.response_content_type, {{"schema", doc.response_schema}}}};
    }
    responses[std::to_string(doc.success_status)] = success;
    std::set<int> statuses(doc.error_statuses.begin(), doc.error_statuses.end());
    statuses.insert({500, 503});
    if (doc.requires_auth) statuses.insert(401);
    if (!doc.request_schema.is_null()) statuses.insert({400, 413, 415, 422});
    for (int s : statuses) {
      responses[std::to_string(s)] = {{"$ref", "#/components/responses/Problem" + std::to_string(s)}};
      used.insert(s);
    }
    op["responses"] = responses;
    std::string method = route.method;
    std::transform(method.begin(), method.end(), method.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    paths[route.path][method] = op;
  }
  json problem_responses = json::object();
  for (int s : used) {
    problem_responses["Problem" + std::to_string(s)] = {
        {"description", reason(s)},
        {"content",
         {{"application/problem+json", {{"schema", {{"$ref", "#/components/schemas/Problem"}}}}}}}};
  }
  return {
      {"openapi", "3.1.0"},
      {"info",
       {{"title", "Scratch API"},
        {"version", version},
        {"description",
         "Scratch pulls tables from SaaS tools and databases into snapshots, lets people and agents edit "
         "them, and publishes the changes back. Every error is RFC 9457 application/problem+json with a "
         "stable `code`."}}},
      {"servers", json::array({{{"url", "/"}}})},
      {"paths", paths},
      {"components",
       {{"schemas", openapi_component_schemas()},
        {"responses", problem_responses},
        {"securitySchemes",
         {{"bearerAuth",
           {{"type", "http"},
            {"scheme", "bearer"},
            {"description", "An access token from /api/v1/auth/login, or an API token (scr_...)"}}}}}}},
  };
}

}  // namespace scratch::http

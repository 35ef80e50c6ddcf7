#include "auth/auth_routes.hpp"
#include "http/json_body.hpp"
#include "http/problem.hpp"
#include "http/validation.hpp"

namespace scratch::auth {

void add_api_token_routes(http::Router& router, ApiTokenService& service,
                          const Authenticator& authenticator) {
  using http::Request;
  using http::Response;
  using nlohmann::json;
  const json token_ref = {{"$ref", "#/components/schemas/ApiToken"}};

  router.add(
      "POST", "/api/v1/api-tokens",
      {.operation_id = "createApiToken",
       .summary = "Create an API token; the secret is in this response only",
       .tag = "api-tokens",
       .requires_auth = true,
       .request_schema = {{"type", "object"},
                          {"required", {"name"}},
                          {"additionalProperties", false},
                          {"properties",
                           {{"name", {{"type", "string"}, {"minLength", 1}, {"maxLength", 100}}},
                            {"expires_in_days", {{"type", "integer"}, {"minimum", 1}, {"maximum", 3650}}}}}},
       .success_status = 201,
       .response_schema = token_ref},
      [&](Request& request) {
        const auto principal = authenticator.require(request);
        const json body = http::parse_json_object(request);
        http::FieldReader fields(body);
        fields.allow_only({"name", "expires_in_days"});
        const std::string name = fields.required_string("name", 1, 100);
        const auto days = fields.optional_integer("expires_in_days", 1, 3650);
        fields.finish();
        return Response::json(201, service.create(principal.user_id, name, days));
      });

  router.add("GET", "/api/v1/api-tokens",
             {.operation_id = "listApiTokens",
              .summary = "List your live API tokens (never the secrets)",
              .tag = "api-tokens",
              .requires_auth = true,
              .response_schema = {{"type", "object"},
                                  {"properties", {{"items", {{"type", "array"}, {"items", token_ref}}}}}}},
             [&](Request& request) {
               const auto principal = authenticator.require(request);
               return Response::json(200, {{"items", service.list(principal.user_id)}});
             });

  router.add("DELETE", "/api/v1/api-tokens/{id}",
             {.operation_id = "revokeApiToken",
              .summary = "Revoke one of your API tokens; it stops working at once",
              .tag = "api-tokens",
              .requires_auth = true,
              .success_status = 204,
              .error_statuses = {404}},
             [&](Request& request) {
               const auto principal = authenticator.require(request);
               if (!service.revoke(principal.user_id, request.param("id"))) {
                 throw http::errors::not_found("API token " + request.param("id"));
               }
               return Response::no_content();
             });
}

}  // namespace scratch::auth

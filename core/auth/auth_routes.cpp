#include "auth/auth_routes.hpp"

#include "http/json_body.hpp"
#include "http/validation.hpp"

namespace scratch::auth {
namespace {

using http::Request;
using http::Response;
using nlohmann::json;

const json kTokenPairRef = {{"$ref", "#/components/schemas/TokenPair"}};

json credentials_schema() {
  return {{"type", "object"},
          {"required", {"email", "password"}},
          {"additionalProperties", false},
          {"properties",
           {{"email", {{"type", "string"}, {"format", "email"}, {"maxLength", 254}}},
            {"password", {{"type", "string"}, {"minLength", 10}, {"maxLength", 1024}}}}}};
}

ClientInfo client_of(const Request& request) {
  return ClientInfo{request.client_address, request.header("User-Agent").value_or("")};
}

// Login takes any non-empty password: length rules are for new passwords only.
std::pair<std::string, std::string> read_credentials(const Request& request, std::size_t min_password) {
  const json body = http::parse_json_object(request);
  http::FieldReader fields(body);
  fields.allow_only({"email", "password"});
  std::string email = fields.required_string("email", 1, 254);
  std::string password = fields.required_string("password", min_password, 1024);
  fields.finish();
  return {email, password};
}

}  // namespace

void add_auth_routes(http::Router& router, AuthService& service, const Authenticator& authenticator) {
  router.add("POST", "/api/v1/auth/signup",
             {.operation_id = "signup",
              .summary = "Create an account and log in (email + password of at least 10 bytes)",
              .tag = "auth",
              .request_schema = credentials_schema(),
              .success_status = 201,
              .response_schema = kTokenPairRef,
              .error_statuses = {403, 409}},
             [&](Request& request) {
               auto [email, password] = read_credentials(request, 1);
               return Response::json(201, service.signup(email, password, client_of(request)).to_json());
             });

  router.add("POST", "/api/v1/auth/login",
             {.operation_id = "login",
              .summary = "Exchange email and password for an access token and a refresh token",
              .tag = "auth",
              .request_schema = credentials_schema(),
              .response_schema = kTokenPairRef,
              .error_statuses = {401, 429}},
             [&](Request& request) {
               auto [email, password] = read_credentials(request, 1);
               return Response::json(200, service.login(email, password, client_of(request)).to_json());
             });

  router.add("POST", "/api/v1/auth/refresh",
             {.operation_id = "refreshSession",
              .summary = "Rotate a refresh token: returns a new pair; the old refresh token stops working",
              .tag = "auth",
              .request_schema = {{"type", "object"},
                                 {"required", {"refresh_token"}},
                                 {"properties", {{"refresh_token", {{"type", "string"}}}}}},
              .response_schema = kTokenPairRef,
              .error_statuses = {401}},
             [&](Request& request) {
               const json body = http::parse_json_object(request);
               http::FieldReader fields(body);
               fields.allow_only({"refresh_token"});
               const std::string token = fields.required_string("refresh_token", 1, 512);
               fields.finish();
               return Response::json(200, service.refresh(token, client_of(request)).to_json());
             });

  router.add(
      "POST", "/api/v1/auth/logout",
      {.operation_id = "logout",
       .summary = "End a session: the one the bearer access token names, or the one a refresh token "
                  "in the body belongs to",
       .tag = "auth",
       .request_schema = {{"type", "object"}, {"properties", {{"refresh_token", {{"type", "string"}}}}}},
       .request_body_optional = true,
       .success_status = 204,
       .error_statuses = {400, 401}},
      [&](Request& request) {
        if (auto principal = authenticator.optional(request)) {
          if (principal->session_id.empty()) {
            throw http::ApiError(400, "not_a_session", "Not a session",
                                 "API tokens are revoked with DELETE /api/v1/api-tokens/{id}, not logout");
          }
          service.revoke_session(principal->session_id);
          return Response::no_content();
        }
        if (request.body.empty()) {
          throw http::errors::unauthorized("send a bearer access token or a refresh_token in the body");
        }
        const json body = http::parse_json_object(request);
        http::FieldReader fields(body);
        fields.allow_only({"refresh_token"});
        const std::string token = fields.required_string("refresh_token", 1, 512);
        fields.finish();
        if (!service.revoke_by_refresh_token(token)) {
          throw http::ApiError(401, "invalid_refresh_token", "Invalid refresh token",
                               "the refresh token is not recognised");
        }
        return Response::no_content();
      });

  router.add("GET", "/api/v1/me",
             {.operation_id = "getMe",
              .summary = "The authenticated user, and how they authenticated",
              .tag = "auth",
              .requires_auth = true,
              .response_schema = {{"allOf",
                                   {{{"$ref", "#/components/schemas/User"}},
                                    {{"type", "object"},
                                     {"properties",
                                      {{"auth_method",
                                        {{"type", "string"}, {"enum", {"session", "api_token"}}}}}}}}}}},
             [&](Request& request) {
               const Principal principal = authenticator.require(request);
               const auto user = service.find_user(principal.user_id);
               if (!user) throw http::errors::unauthorized("the account no longer exists");
               json out = user_json(*user);
               out["auth_method"] = principal.method();
               return Response::json(200, out);
             });
}

}  // namespace scratch::auth

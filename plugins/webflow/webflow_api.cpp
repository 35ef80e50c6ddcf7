#include "webflow_api.hpp"

#include <scratch/plugin_util.hpp>

namespace scratch::webflow {

using plugin::Error;
using plugin::HttpResponse;
using plugin::json;

HttpResponse WebflowApi::send(const std::string& method, const std::string& path, const json* body) const {
  // The plan decides the rate (60 or 120 a minute), so every request carries the account's own.
  return host_.http(plugin::json_request(method, settings_.base_url + path, "Bearer " + settings_.api_token,
                                         body ? *body : json(), settings_.requests_per_second));
}

json WebflowApi::get(const std::string& path, const std::string& what) const {
  const HttpResponse response = send("GET", path);
  if (!is_success(response.status)) throw error_for(response, what);
  return json_body(response, what);
}

std::string service_message(const HttpResponse& response) {
  const json body = json::parse(response.body, nullptr, false);
  if (!body.is_object()) {
    return response.body.empty() ? "HTTP " + std::to_string(response.status) : response.body.substr(0, 200);
  }
  std::string message = plugin::string_or(body, "message");
  if (message.empty()) message = "HTTP " + std::to_string(response.status);
  const auto details = body.find("details");
  if (details != body.end() && details->is_array()) {
    std::string joined;
    for (const json& d : *details) {
      std::string part;
      if (d.is_string()) {
        part = d.get<std::string>();
      } else if (d.is_object()) {
        const std::string param = plugin::string_or(d, "param");
        std::string description = plugin::string_or(d, "description");
        if (description.empty()) description = d.dump();
        part = param.empty() ? description : param + ": " + description;
      }
      if (part.empty()) continue;
      joined += (joined.empty() ? "" : "; ") + part;
    }
    if (!joined.empty()) message += " (" + joined + ")";
  }
  return message;
}

Error error_for(const HttpResponse& response, const std::string& what) {
  const int status = response.status;
  const std::string text =
      "Webflow answered HTTP " + std::to_string(status) + " " + what + ": " + service_message(response);
  const std::string code = plugin::string_or(json::parse(response.body, nullptr, false), "code");
  if (status == 401 || status == 403) {
    return Error("auth_failed", "Webflow refused the API token (HTTP " + std::to_string(status) + " " + code +
                                    ": " + service_message(response) +
                                    "); check the token and its scopes (sites:read, cms:read, cms:write)");
  }
  if (status == 429) return Error("rate_limited", text + "; the plan's request rate is exhausted", true);
  if (status == 404) return Error("not_found", text);
  if (status == 409) return Error("conflict", text);
  if (status == 400 || status == 422) {
    return Error(code == "bad_request" ? "invalid_request" : "invalid_value", text);
  }
  if (status >= 500) return Error("connection_failed", text, true);
  return Error("unexpected_status", text);
}

json json_body(const HttpResponse& response, const std::string& what) {
  json body = json::parse(response.body, nullptr, false);
  if (body.is_discarded()) {
    throw Error("invalid_response", "Webflow answered " + what + " with a body that is not JSON", true);
  }
  return body;
}

}  // namespace scratch::webflow

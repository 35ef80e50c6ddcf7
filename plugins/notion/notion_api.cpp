#include "notion_api.hpp"

#include <cctype>
#include <scratch/plugin_util.hpp>

#include "spec.hpp"

namespace scratch::notion {

using plugin::Error;
using plugin::HttpResponse;

NotionApi::NotionApi(plugin::Host& host, const plugin::Call& call) : host_(host) {
  base_url_ = plugin::without_trailing_slashes(call.config.value("base_url", std::string(kDefaultBaseUrl)));
  token_ = call.credentials.value("token", std::string());
  if (token_.empty())
    throw Error("auth_failed", "the Notion account has no integration secret (credentials.token)");
  const auto rps = call.config.find("requests_per_second");
  if (rps != call.config.end() && rps->is_number()) requests_per_second_ = rps->get<double>();
}

HttpResponse NotionApi::send(const std::string& method, const std::string& path, const json& body) const {
  plugin::HttpRequest request =
      plugin::json_request(method, base_url_ + path, "Bearer " + token_, body, requests_per_second_);
  request.headers["notion-version"] = kNotionVersion;
  // Notion sends Retry-After with its 429s; this only covers an answer without one (its SDK waits 1 s).
  request.retry_after_429_ms = 1000;
  return host_.http(request);
}

json NotionApi::call(const std::string& method, const std::string& path, const json& body) const {
  const HttpResponse response = send(method, path, body);
  if (response.status != 200) fail(response, method + " " + path);
  json parsed = json::parse(response.body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    throw Error("connection_failed",
                "Notion answered " + method + " " + path + " with a body that is not JSON", true);
  }
  return parsed;
}

std::string notion_error_text(const HttpResponse& response) {
  const json body = json::parse(response.body, nullptr, false);
  if (body.is_object() && body.contains("message") && body["message"].is_string()) {
    return body.value("code", std::string("error")) + ": " + body["message"].get<std::string>();
  }
  return "HTTP " + std::to_string(response.status);
}

void fail(const HttpResponse& response, const std::string& what) {
  const std::string text = notion_error_text(response);
  const int s = response.status;
  if (s == 401) {
    throw Error("auth_failed", "Notion refused the integration secret (HTTP 401, " + text +
                                   "); check the token in the account's credentials");
  }
  if (s == 403) {
    throw Error("auth_failed", "Notion refused access (HTTP 403, " + text +
                                   "); give the integration the capability it needs");
  }
  if (s == 404) {
    throw Error("not_found", "Notion: " + text + " (" + what + "; share the database with the integration)");
  }
  if (s == 429 || s == 529) {
    throw Error("rate_limited",
                "Notion is throttling requests (HTTP " + std::to_string(s) + ", " + text + ")", true);
  }
  if (s >= 500)
    throw Error("connection_failed", "Notion failed (HTTP " + std::to_string(s) + ", " + text + ")", true);
  if (s == 400 && text.rfind("validation_error", 0) == 0) throw Error("invalid_value", "Notion: " + text);
  throw Error("invalid_request",
              "Notion refused " + what + " (HTTP " + std::to_string(s) + ", " + text + ")");
}

std::string path_segment(const std::string& text) {
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '%') {
      out += static_cast<char>(c);
    } else {
      static const char* hex = "0123456789ABCDEF";
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace scratch::notion

#include "wix_api.hpp"

#include <cctype>

namespace scratch::wix {

using plugin::Error;
using plugin::json;

namespace {

std::string string_at(const json& object, const char* key) {
  if (!object.is_object()) return "";
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

// "field: description; ..." from a validationError's fieldViolations.
std::string violations_of(const json& details) {
  const json error = details.is_object() ? details.value("validationError", json()) : json();
  const json list = error.is_object() ? error.value("fieldViolations", json()) : json();
  std::string out;
  if (!list.is_array()) return out;
  for (const json& v : list) {
    const std::string text = string_at(v, "field") + ": " + string_at(v, "description");
    out += (out.empty() ? "" : "; ") + text;
  }
  return out;
}

}  // namespace

std::string ApiResult::describe() const {
  std::string out = std::to_string(status);
  if (!code.empty() && message.rfind(code, 0) == 0) {
    out += " " + message;  // Wix's messages often start with the code already ("WDE0073: Item ...")
  } else {
    if (!code.empty()) out += " " + code;
    if (!message.empty()) out += ": " + message;
  }
  if (!violations.empty() && message.find(violations) == std::string::npos) out += " (" + violations + ")";
  return out;
}

ApiResult WixApi::send(const std::string& method, const std::string& path, const json& body) const {
  plugin::HttpRequest request;
  request.method = method;
  request.url = settings_.base_url + path;
  // An API key goes as it is: Wix documents no "Bearer" prefix for it.
  request.headers["authorization"] = settings_.api_key;
  request.headers["wix-site-id"] = settings_.site_id;
  request.headers["accept"] = "application/json";
  if (!body.is_null()) {
    request.headers["content-type"] = "application/json";
    request.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  request.requests_per_second = settings_.requests_per_second;
  const plugin::HttpResponse response = host_.http(request);

  ApiResult result;
  result.status = response.status;
  result.body = json::parse(response.body, nullptr, false);
  if (result.body.is_discarded()) result.body = json();
  if (!result.ok()) {
    result.message = string_at(result.body, "message");
    const json details = result.body.is_object() ? result.body.value("details", json()) : json();
    const json app = details.is_object() ? details.value("applicationError", json()) : json();
    result.code = string_at(app, "code");
    if (result.message.empty()) result.message = string_at(app, "description");
    result.violations = violations_of(details);
    if (result.message.empty() && result.code.empty() && result.violations.empty())
      result.message = response.body.substr(0, 200);  // not Wix's envelope (a proxy, an outage page)
  }
  return result;
}

Error call_error(const ApiResult& result, const std::string& doing) {
  const std::string what = "Wix answered " + result.describe() + " (" + doing + ")";
  if (result.status == 401) {
    return Error("auth_failed", "Wix refused the API key (" + result.describe() +
                                    "): check credentials.api_key, an API key from the Wix API Keys Manager");
  }
  if (result.status == 403) {
    return Error("auth_failed",
                 what +
                     ": check config.site_id and that the API key has the Wix Data permissions "
                     "for that site");
  }
  if (result.status == 404) return Error("not_found", what);
  if (result.status == 409) return Error("constraint_violation", what);
  if (result.status == 429) {
    return Error("rate_limited", what + ": Wix allows 200 requests per minute per site", true);
  }
  if (result.status >= 500) return Error("connection_failed", what, true);
  if (result.status == 400 && (!result.violations.empty() || result.code == "WDE0075"))
    return Error("invalid_value", what);
  return Error("invalid_request", what);
}

std::string url_encode(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace scratch::wix

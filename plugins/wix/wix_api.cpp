#include "wix_api.hpp"

#include <scratch/plugin_util.hpp>

namespace scratch::wix {

using plugin::Error;
using plugin::json;

namespace {

// "field: description; ..." from a validationError's fieldViolations.
std::string violations_of(const json& details) {
  const json error = details.is_object() ? details.value("validationError", json()) : json();
  const json list = error.is_object() ? error.value("fieldViolations", json()) : json();
  std::string out;
  if (!list.is_array()) return out;
  for (const json& v : list) {
    const std::string text = plugin::string_or(v, "field") + ": " + plugin::string_or(v, "description");
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
  // An API key goes as it is: Wix documents no "Bearer" prefix for it.
  plugin::HttpRequest request = plugin::json_request(method, settings_.base_url + path, settings_.api_key,
                                                     body, settings_.requests_per_second);
  request.headers["wix-site-id"] = settings_.site_id;
  const plugin::HttpResponse response = host_.http(request);

  ApiResult result;
  result.status = response.status;
  result.body = plugin::parse_lenient(response.body);
  if (!result.ok()) {
    result.message = plugin::string_or(result.body, "message");
    const json details = result.body.is_object() ? result.body.value("details", json()) : json();
    const json app = details.is_object() ? details.value("applicationError", json()) : json();
    result.code = plugin::string_or(app, "code");
    if (result.message.empty()) result.message = plugin::string_or(app, "description");
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

}  // namespace scratch::wix

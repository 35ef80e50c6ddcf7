#include "wp_api.hpp"

#include <scratch/plugin_util.hpp>

#include "base64.hpp"

namespace scratch::wordpress {

using plugin::Error;
using plugin::json;

std::string ApiResult::describe() const {
  std::string out = "HTTP " + std::to_string(status);
  if (!code.empty()) out += " " + code;
  if (!message.empty()) out += ": " + message;
  // rest_invalid_param names the parameters only in data.params: say what is wrong with each.
  if (data.is_object() && data.contains("params") && data["params"].is_object() && !data["params"].empty()) {
    std::string params;
    for (const auto& [name, why] : data["params"].items())
      params += (params.empty() ? "" : "; ") + name + ": " +
                (why.is_string() ? why.get<std::string>() : why.dump());
    out += " (" + params + ")";
  }
  return out;
}

ApiResult WordPressApi::send(const std::string& method, const std::string& path, const json& body) const {
  const plugin::HttpResponse response = host_.http(plugin::json_request(
      method, settings_.api_root + path,
      "Basic " + base64_encode(settings_.username + ":" + settings_.application_password), body,
      settings_.requests_per_second));

  ApiResult result;
  result.status = response.status;
  result.headers = response.headers;
  result.body = plugin::parse_lenient(response.body);
  if (!result.ok()) {
    if (result.body.is_object()) {
      result.code = result.body.value("code", "");
      result.message = result.body.value("message", "");
      result.data = result.body.value("data", json());
    }
    if (result.code.empty() && result.message.empty()) {
      // Not WordPress's envelope (a proxy, a PHP error page, a site without the REST API): keep a little.
      result.message = response.body.substr(0, 200);
    }
  }
  return result;
}

std::string error_code_of(const ApiResult& result) {
  if (result.status == 404 || result.status == 410) return "not_found";
  if (result.status == 501) return "unsupported";
  if (result.status == 400 || result.status == 409) return "invalid_value";
  return "invalid_request";
}

Error call_error(const ApiResult& result, const std::string& doing) {
  const std::string what = "WordPress answered " + result.describe() + " (" + doing + ")";
  if (result.status == 401 || result.status == 403) {
    std::string hint =
        ": check credentials.username and credentials.application_password (an Application Password from "
        "Users > Profile, not the login password)";
    if (result.code == "rest_not_logged_in" || result.code == "rest_forbidden_context")
      hint +=
          "; the site saw no credentials at all, which happens when the host strips the Authorization header";
    else if (result.status == 403)
      hint = ": the user lacks the capability; use an editor or administrator account";
    return Error("auth_failed", "WordPress refused the username or application password (" +
                                    result.describe() + ", " + doing + ")" + hint);
  }
  if (result.status == 429) return Error("rate_limited", what + ": the site is throttling requests", true);
  if (result.status >= 500) return Error("connection_failed", what, true);
  if (result.status == 404 && result.code == "rest_no_route")
    return Error("not_found", what + ": check config.site_url and that the REST API is enabled");
  return Error(error_code_of(result), what);
}

}  // namespace scratch::wordpress

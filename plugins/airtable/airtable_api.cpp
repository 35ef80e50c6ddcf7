#include "airtable_api.hpp"

#include <scratch/plugin_util.hpp>

namespace scratch::airtable {

using plugin::Error;
using plugin::json;

std::string ApiResult::describe() const {
  std::string out = std::to_string(status);
  if (!type.empty()) out += " " + type;
  if (!message.empty() && message != type) out += ": " + message;
  return out;
}

ApiResult AirtableApi::send(const std::string& method, const std::string& path, const json& body) const {
  plugin::HttpRequest request = plugin::json_request(
      method, settings_.base_url + path, "Bearer " + settings_.api_key, body, settings_.requests_per_second);
  request.retry_after_429_ms = settings_.penalty_ms;
  const plugin::HttpResponse response = host_.http(request);

  ApiResult result;
  result.status = response.status;
  result.body = plugin::parse_lenient(response.body);
  if (!result.ok()) {
    const json error = result.body.is_object() ? result.body.value("error", json()) : json();
    if (error.is_string()) {
      result.type = error.get<std::string>();
    } else if (error.is_object()) {
      result.type = error.value("type", "");
      result.message = error.value("message", "");
    }
    if (result.type.empty() && result.message.empty()) {
      // Not Airtable's envelope (a proxy, an outage page): keep a little of the text.
      result.message = response.body.substr(0, 200);
    }
  }
  return result;
}

std::string AirtableApi::table_path(const std::string& table_id) const {
  return "/" + plugin::url_encode(settings_.base_id) + "/" + plugin::url_encode(table_id);
}

std::string error_code_of(const ApiResult& result) {
  if (result.status == 404) return "not_found";
  if (result.type == "UNKNOWN_FIELD_NAME") return "unknown_field";
  if (result.type == "INVALID_PERMISSIONS") return "read_only";  // e.g. a field locked for this user
  if (result.type == "LIST_RECORDS_ITERATOR_NOT_AVAILABLE") return "invalid_cursor";
  if (result.status == 422) return "invalid_value";
  return "invalid_request";
}

Error call_error(const ApiResult& result, const std::string& doing) {
  const std::string what = "Airtable answered " + result.describe() + " (" + doing + ")";
  if (result.status == 401) {
    return Error("auth_failed", "Airtable refused the personal access token (" + result.describe() +
                                    "): check credentials.api_key");
  }
  if (result.status == 403) {
    return Error("auth_failed",
                 what +
                     ": check config.base_id and that the token has the base as a resource and "
                     "the scopes data.records:read, data.records:write and schema.bases:read");
  }
  if (result.status == 429) {
    return Error("rate_limited", what + ": Airtable allows 5 requests per second per base", true);
  }
  if (result.status >= 500) return Error("connection_failed", what, true);
  return Error(error_code_of(result), what);
}

}  // namespace scratch::airtable

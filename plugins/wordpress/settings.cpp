#include "settings.hpp"

#include <scratch/plugin_util.hpp>

#include "spec.hpp"

namespace scratch::wordpress {

using plugin::Error;
using plugin::json;
using plugin::string_or;

namespace {

bool ends_with(const std::string& text, const std::string& tail) {
  return text.size() >= tail.size() && text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

Settings parse_settings(const plugin::Call& call) {
  Settings s;
  s.site_url = string_or(call.config, "site_url", "");
  // People paste the API address too: keep the site's.
  for (bool trimmed = true; trimmed;) {
    trimmed = false;
    while (!s.site_url.empty() && s.site_url.back() == '/') {
      s.site_url.pop_back();
      trimmed = true;
    }
    for (const char* tail : {"/wp-json/wp/v2", "/wp-json"}) {
      if (ends_with(s.site_url, tail)) {
        s.site_url.resize(s.site_url.size() - std::string(tail).size());
        trimmed = true;
      }
    }
  }
  if (!plugin::is_http_url(s.site_url)) {
    throw Error(
        "invalid_config",
        "config.site_url must be the site's address starting with https:// (it is \"" + s.site_url + "\")");
  }
  s.api_root = s.site_url + "/wp-json/wp/v2";

  const std::string mode = string_or(call.config, "delete_mode", "trash");
  if (mode != "trash" && mode != "force")
    throw Error("invalid_config",
                "config.delete_mode must be \"trash\" or \"force\" (it is \"" + mode + "\")");
  s.force_delete = mode == "force";

  const auto types = call.config.find("post_types");
  if (types != call.config.end() && types->is_array()) {
    for (const auto& t : *types)
      if (t.is_string() && !t.get<std::string>().empty()) s.post_types.push_back(t.get<std::string>());
  }
  s.requests_per_second =
      plugin::positive_number_or(call.config, "requests_per_second", kDefaultRequestsPerSecond);

  s.username = string_or(call.credentials, "username", "");
  s.application_password = string_or(call.credentials, "application_password", "");
  if (s.username.empty() || s.application_password.empty()) {
    throw Error(
        "invalid_credentials",
        "credentials.username and credentials.application_password (a WordPress Application Password) "
        "are required");
  }
  return s;
}

}  // namespace scratch::wordpress

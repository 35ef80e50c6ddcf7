#include "channel.hpp"

#include <scratch/plugin_util.hpp>

namespace scratch::youtube {

using plugin::Error;
using plugin::json;

std::string channel_filter(const Settings& settings, const char* id_parameter) {
  if (settings.channel_id.empty()) return "&mine=true";
  return std::string("&") + id_parameter + "=" + plugin::url_encode(settings.channel_id);
}

json fetch_channel(const YouTubeApi& api, const std::string& parts) {
  const ApiResult result =
      api.get("/channels?part=" + plugin::url_encode(parts) + channel_filter(api.settings(), "id"));
  if (!result.ok()) throw call_error(result, "looking up the channel");
  const json items = result.body.is_object() ? result.body.value("items", json::array()) : json::array();
  if (!items.is_array() || items.empty() || !items[0].is_object()) {
    if (api.settings().channel_id.empty())
      throw Error("not_found", "YouTube: the Google account of this access token has no YouTube channel");
    throw Error("not_found", "YouTube has no channel " + api.settings().channel_id + " (config.channel_id)");
  }
  return items[0];
}

}  // namespace scratch::youtube

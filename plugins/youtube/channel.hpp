// The channel an account works on: config.channel_id, or the one the access token belongs to.
#pragma once

#include <scratch/plugin.hpp>
#include <string>

#include "youtube_api.hpp"

namespace scratch::youtube {

// channels.list (1 unit) with the parts given; throws not_found when there is no such channel.
plugin::json fetch_channel(const YouTubeApi& api, const std::string& parts);

// "&mine=true" or "&channelId=UC..." for list calls scoped to the account's channel.
std::string channel_filter(const Settings& settings, const char* id_parameter);

}  // namespace scratch::youtube

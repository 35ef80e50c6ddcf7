// One page of a table: the channel's uploads (playlistItems, then videos.list for their details) or its
// playlists.
#pragma once

#include <scratch/plugin.hpp>
#include <string>
#include <vector>

#include "youtube_api.hpp"

namespace scratch::youtube {

// `request` is the contract's read request ({table, cursor, page_size}).
plugin::json read_videos(const YouTubeApi& api, const plugin::json& request);
plugin::json read_playlists(const YouTubeApi& api, const plugin::json& request);

// videos.list for up to 50 ids with every part the videos table shows: {id: video}.
plugin::json fetch_videos(const YouTubeApi& api, const std::vector<std::string>& ids);

}  // namespace scratch::youtube

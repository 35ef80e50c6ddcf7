// A write: updates of videos through videos.update, read-modify-write, one PUT per video.
#pragma once

#include <scratch/plugin.hpp>

#include "youtube_api.hpp"

namespace scratch::youtube {

// `ops` is the contract's op list (at most 50). One result per op, in order. Throws a call-level Error
// only while nothing has been sent that could change a video.
plugin::json write_videos(const YouTubeApi& api, plugin::Host& host, const plugin::json& ops);

}  // namespace scratch::youtube

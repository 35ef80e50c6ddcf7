// The connector's two tables and their fields: the channel's uploaded videos and its playlists.
#pragma once

#include <scratch/plugin.hpp>
#include <string>

namespace scratch::youtube {

inline constexpr const char* kVideosTable = "videos";
inline constexpr const char* kPlaylistsTable = "playlists";

// The list_tables answer (the same for every channel: YouTube's resources have a fixed shape).
plugin::json describe_tables();

// Whether the videos table lets `field` be written, and through which part of videos.update.
enum class VideoPart { none, snippet, status };
VideoPart editable_part(const std::string& field);
// True for a field id the videos table has at all.
bool is_video_field(const std::string& field);

}  // namespace scratch::youtube

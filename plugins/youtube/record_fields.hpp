// YouTube resources as records in the contract's value encodings.
#pragma once

#include <scratch/plugin.hpp>
#include <string>

namespace scratch::youtube {

// A count YouTube sends as a decimal string: a JSON number when a double holds it exactly, else the string
// itself (the contract's encoding for big numbers); null when absent or not a count.
plugin::json count_value(const plugin::json& text);

// The videos table's fields of a video resource (parts snippet, status, statistics, contentDetails).
plugin::json video_fields(const plugin::json& video);
// The playlists table's fields of a playlist resource (parts snippet, status, contentDetails).
plugin::json playlist_fields(const plugin::json& playlist);

// {"id", "fields", "updated_at": null}: YouTube tells no modification time.
plugin::json as_record(const plugin::json& fields);

}  // namespace scratch::youtube

// The read cursor: everything a later call needs to go on, so no state lives in memory between pages.
#pragma once

#include <optional>
#include <scratch/plugin.hpp>
#include <string>

namespace scratch::youtube {

struct ReadCursor {
  std::string playlist;    // videos: the channel's uploads playlist (saves a channels.list per page)
  std::string page_token;  // YouTube's nextPageToken
};

std::string encode_cursor(const ReadCursor& cursor);
// Null for the first page; throws Error("invalid_cursor") for text this plugin did not make.
std::optional<ReadCursor> decode_cursor(const plugin::json& cursor);

}  // namespace scratch::youtube

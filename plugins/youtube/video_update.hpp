// The body of a videos.update (PUT): YouTube replaces every mutable property of each part it is sent, so
// the update starts from the video as it is now and changes only the edited keys.
#pragma once

#include <scratch/plugin.hpp>
#include <string>

namespace scratch::youtube {

struct VideoUpdate {
  std::string parts;  // "snippet", "status" or "snippet,status": only the parts with an edit
  plugin::json body;  // {"id", "snippet"?, "status"?}
};

// `current` is the video from videos.list (snippet and status at least); `edits` the op's fields. Throws
// Error (invalid_value, read_only, unknown_field) for an edit that cannot be sent.
VideoUpdate build_update(const plugin::json& current, const plugin::json& edits);

// `current` with the parts YouTube answered the update with put in place (the answer carries only those).
plugin::json merge_answer(plugin::json current, const plugin::json& answer);

}  // namespace scratch::youtube

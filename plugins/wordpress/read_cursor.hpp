// The read cursor: where the next page starts in the listing ordered by id (an offset), the last id
// returned, and the total seen then, so a listing that shrank meanwhile can be re-aligned.
#pragma once

#include <optional>
#include <scratch/plugin.hpp>
#include <string>

namespace scratch::wordpress {

struct ReadCursor {
  long long offset = 0;   // records of the listing before the next page
  long long last_id = 0;  // the highest post id returned so far (0: none)
  long long total = -1;   // X-WP-Total when the cursor was made (-1: unknown)
};

// null -> the start; otherwise the text make_cursor gave. Throws Error("invalid_cursor").
ReadCursor parse_cursor(const plugin::json& cursor);
std::string make_cursor(const ReadCursor& cursor);

}  // namespace scratch::wordpress

// The read cursor: Airtable's offset token plus the last record returned, so that a listing whose offset
// expired (422 LIST_RECORDS_ITERATOR_NOT_AVAILABLE) can be picked up again after that record.
#pragma once

#include <scratch/plugin.hpp>
#include <string>

namespace scratch::airtable {

struct ReadCursor {
  std::string offset;       // empty: the first page
  std::string last_record;  // the last record id returned before this cursor
};

// Throws Error("invalid_cursor") for text this connector did not write.
ReadCursor parse_cursor(const plugin::json& cursor);
plugin::json make_cursor(const ReadCursor& cursor);

}  // namespace scratch::airtable

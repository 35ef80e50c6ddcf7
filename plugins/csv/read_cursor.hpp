// The read cursor: where the next page starts in one specific version of the file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "csv_reader.hpp"

namespace scratch::csv {

struct ReadCursor {
  unsigned version = 0;           // a cursor is only valid against the version it was issued for
  Position position;              // byte offset and physical line of the next record
  std::uint64_t rows_before = 0;  // data rows already read, so row-number ids continue
};

// Opaque to the host; a short text "c1:<version>:<offset>:<line>:<rows>".
std::string encode_cursor(const ReadCursor& cursor);
// Throws plugin::Error("invalid_cursor") for text encode_cursor did not produce.
ReadCursor decode_cursor(std::string_view text);

}  // namespace scratch::csv

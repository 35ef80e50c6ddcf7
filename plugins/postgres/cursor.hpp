// Read cursors: the last row's key, in an opaque string the host hands back for the next page.
#pragma once

#include <string>
#include <vector>

namespace scratch::postgres {

// key_texts: the key columns' text forms (or the ctid's) of the last row returned.
std::string encode_cursor(const std::vector<std::string>& key_texts);
// Throws scratch::plugin::Error("invalid_cursor") unless cursor came from encode_cursor with key_count parts.
std::vector<std::string> decode_cursor(const std::string& cursor, std::size_t key_count);

}  // namespace scratch::postgres

#include "read_cursor.hpp"

namespace scratch::youtube {

using plugin::Error;
using plugin::json;

std::string encode_cursor(const ReadCursor& cursor) {
  json out = {{"t", cursor.page_token}};
  if (!cursor.playlist.empty()) out["p"] = cursor.playlist;
  return out.dump();
}

std::optional<ReadCursor> decode_cursor(const json& cursor) {
  if (cursor.is_null()) return std::nullopt;
  const json parsed = cursor.is_string() ? json::parse(cursor.get<std::string>(), nullptr, false) : json();
  if (!parsed.is_object() || !parsed.contains("t") || !parsed["t"].is_string() ||
      (parsed.contains("p") && !parsed["p"].is_string())) {
    throw Error("invalid_cursor", "this is not a cursor of the YouTube connector: download the table again");
  }
  return ReadCursor{parsed.value("p", ""), parsed["t"].get<std::string>()};
}

}  // namespace scratch::youtube

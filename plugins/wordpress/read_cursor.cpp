#include "read_cursor.hpp"

namespace scratch::wordpress {

using plugin::Error;
using plugin::json;

ReadCursor parse_cursor(const json& cursor) {
  ReadCursor out;
  if (cursor.is_null()) return out;
  const json parsed = cursor.is_string() ? json::parse(cursor.get<std::string>(), nullptr, false) : json();
  if (!parsed.is_object() || !parsed.contains("o") || !parsed["o"].is_number_integer() ||
      !parsed.contains("l") || !parsed["l"].is_number_integer() || parsed["o"].get<long long>() < 0)
    throw Error("invalid_cursor", "not a cursor of the WordPress connector: " + cursor.dump());
  out.offset = parsed["o"].get<long long>();
  out.last_id = parsed["l"].get<long long>();
  out.total = parsed.contains("t") && parsed["t"].is_number_integer() ? parsed["t"].get<long long>() : -1;
  return out;
}

std::string make_cursor(const ReadCursor& cursor) {
  return json{{"o", cursor.offset}, {"l", cursor.last_id}, {"t", cursor.total}}.dump();
}

}  // namespace scratch::wordpress

#include "read_cursor.hpp"

namespace scratch::airtable {

using plugin::Error;
using plugin::json;

ReadCursor parse_cursor(const json& cursor) {
  if (cursor.is_null()) return {};
  const json parsed = cursor.is_string() ? json::parse(cursor.get<std::string>(), nullptr, false) : json();
  if (!parsed.is_object() || !parsed.contains("o") || !parsed["o"].is_string() || !parsed.contains("l") ||
      !parsed["l"].is_string()) {
    throw Error("invalid_cursor", "this is not a cursor of the Airtable connector");
  }
  return {parsed["o"].get<std::string>(), parsed["l"].get<std::string>()};
}

json make_cursor(const ReadCursor& cursor) {
  return json{{"o", cursor.offset}, {"l", cursor.last_record}}.dump();
}

}  // namespace scratch::airtable

// Encodes and decodes read cursors.
#include "read_cursor.hpp"

#include <charconv>
#include <vector>

#include "scratch/plugin.hpp"

namespace scratch::csv {
namespace {

constexpr std::string_view kPrefix = "c1:";

template <typename T>
bool parse_part(std::string_view text, T& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

}  // namespace

std::string encode_cursor(const ReadCursor& c) {
  return std::string(kPrefix) + std::to_string(c.version) + ":" + std::to_string(c.position.offset) + ":" +
         std::to_string(c.position.line) + ":" + std::to_string(c.rows_before);
}

ReadCursor decode_cursor(std::string_view text) {
  const plugin::Error invalid("invalid_cursor", "this cursor was not issued by the CSV connector");
  if (text.substr(0, kPrefix.size()) != kPrefix) throw invalid;
  text.remove_prefix(kPrefix.size());
  std::vector<std::string_view> parts;
  for (std::size_t colon; (colon = text.find(':')) != std::string_view::npos; text.remove_prefix(colon + 1)) {
    parts.push_back(text.substr(0, colon));
  }
  parts.push_back(text);
  ReadCursor c;
  if (parts.size() != 4 || !parse_part(parts[0], c.version) || !parse_part(parts[1], c.position.offset) ||
      !parse_part(parts[2], c.position.line) || !parse_part(parts[3], c.rows_before) ||
      c.position.line == 0) {
    throw invalid;
  }
  return c;
}

}  // namespace scratch::csv

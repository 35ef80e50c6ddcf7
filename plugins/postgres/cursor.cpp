// Cursors are base64url(JSON {"v":1,"k":[...]}): opaque to hosts, versioned so the format can change.
#include "cursor.hpp"

#include <nlohmann/json.hpp>
#include <scratch/plugin.hpp>

#include "base64.hpp"

namespace scratch::postgres {

std::string encode_cursor(const std::vector<std::string>& key_texts) {
  return base64url_encode(nlohmann::json{{"v", 1}, {"k", key_texts}}.dump());
}

std::vector<std::string> decode_cursor(const std::string& cursor, std::size_t key_count) {
  const auto bad = [] {
    return plugin::Error("invalid_cursor", "the cursor is not one this connector issued for this table");
  };
  const auto raw = base64url_decode(cursor);
  if (!raw) throw bad();
  const auto doc = nlohmann::json::parse(*raw, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("v") || doc["v"] != 1 || !doc.contains("k") || !doc["k"].is_array() ||
      doc["k"].size() != key_count) {
    throw bad();
  }
  std::vector<std::string> out;
  for (const auto& part : doc["k"]) {
    if (!part.is_string()) throw bad();
    out.push_back(part.get<std::string>());
  }
  return out;
}

}  // namespace scratch::postgres

// Record ids. Composite ids are JSON so that key parts containing commas or quotes stay unambiguous.
#include "record_id.hpp"

namespace scratch::postgres {
namespace {

// A key part as the text a `$n::<type>` cast parses: strings as they are, numbers and booleans as JSON.
std::optional<std::string> part_text(const nlohmann::json& part) {
  if (part.is_string()) return part.get<std::string>();
  if (part.is_null()) return std::nullopt;  // primary key columns are NOT NULL
  return part.dump();
}

}  // namespace

std::string make_record_id(const std::vector<std::string>& key_texts,
                           const std::vector<nlohmann::json>& key_values) {
  if (key_texts.size() == 1) return key_texts.front();
  return nlohmann::json(key_values).dump();
}

std::optional<std::vector<std::string>> parse_record_id(const nlohmann::json& id, std::size_t key_count) {
  if (key_count == 1) {
    if (id.is_array() || id.is_object()) return std::nullopt;
    auto text = part_text(id);
    if (!text) return std::nullopt;
    return std::vector<std::string>{std::move(*text)};
  }
  // Hosts send the string back as they got it; accept an already-parsed array too.
  nlohmann::json parts = id;
  if (id.is_string()) {
    parts = nlohmann::json::parse(id.get_ref<const std::string&>(), nullptr, /*allow_exceptions=*/false);
  }
  if (!parts.is_array() || parts.size() != key_count) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& part : parts) {
    auto text = part_text(part);
    if (!text) return std::nullopt;
    out.push_back(std::move(*text));
  }
  return out;
}

}  // namespace scratch::postgres

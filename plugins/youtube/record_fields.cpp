#include "record_fields.hpp"

#include <cstdint>

namespace scratch::youtube {

using plugin::json;

namespace {

// The value at object[key], or null (also when object is not an object).
json at(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? json() : *it;
}

}  // namespace

json count_value(const json& text) {
  if (text.is_number_integer()) return text;
  if (!text.is_string()) return nullptr;
  const std::string digits = text.get<std::string>();
  if (digits.empty() || digits.size() > 20) return nullptr;
  for (const char c : digits)
    if (c < '0' || c > '9') return nullptr;
  // 2^53: every integer up to it is exact in a double.
  constexpr std::uint64_t kExact = 9007199254740992ULL;
  if (digits.size() > 16 || std::stoull(digits) > kExact) return digits;
  return std::stoull(digits);
}

json video_fields(const json& video) {
  const json snippet = at(video, "snippet");
  const json status = at(video, "status");
  const json statistics = at(video, "statistics");
  const json details = at(video, "contentDetails");
  return {{"id", at(video, "id")},
          {"title", at(snippet, "title")},
          {"description", at(snippet, "description")},
          {"tags", at(snippet, "tags")},
          {"categoryId", at(snippet, "categoryId")},
          {"privacyStatus", at(status, "privacyStatus")},
          {"embeddable", at(status, "embeddable")},
          {"license", at(status, "license")},
          {"publishAt", at(status, "publishAt")},
          {"publishedAt", at(snippet, "publishedAt")},
          {"defaultLanguage", at(snippet, "defaultLanguage")},
          {"duration", at(details, "duration")},
          {"madeForKids", at(status, "madeForKids")},
          {"uploadStatus", at(status, "uploadStatus")},
          {"viewCount", count_value(at(statistics, "viewCount"))},
          {"likeCount", count_value(at(statistics, "likeCount"))},
          {"commentCount", count_value(at(statistics, "commentCount"))},
          {"thumbnails", at(snippet, "thumbnails")}};
}

json playlist_fields(const json& playlist) {
  const json snippet = at(playlist, "snippet");
  return {{"id", at(playlist, "id")},
          {"title", at(snippet, "title")},
          {"description", at(snippet, "description")},
          {"privacyStatus", at(at(playlist, "status"), "privacyStatus")},
          {"publishedAt", at(snippet, "publishedAt")},
          {"itemCount", count_value(at(at(playlist, "contentDetails"), "itemCount"))},
          {"thumbnails", at(snippet, "thumbnails")}};
}

json as_record(const json& fields) {
  return {{"id", fields.at("id")}, {"fields", fields}, {"updated_at", nullptr}};
}

}  // namespace scratch::youtube

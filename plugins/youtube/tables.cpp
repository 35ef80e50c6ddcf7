#include "tables.hpp"

#include <map>

namespace scratch::youtube {

using plugin::json;

namespace {

json field(const char* id, const char* name, const char* type, bool read_only) {
  return {{"id", id}, {"name", name}, {"type", type}, {"read_only", read_only}};
}

json select(const char* id, const char* name, bool read_only, json options) {
  json f = field(id, name, "single_select", read_only);
  f["options"] = std::move(options);
  return f;
}

json video_fields() {
  return json::array({
      field("id", "Video id", "text", true),
      field("title", "Title", "text", false),
      field("description", "Description", "long_text", false),
      // Free-form keywords: no fixed options.
      field("tags", "Tags", "multi_select", false),
      // Text, not a select: assignable categories depend on the region, and any id must round-trip.
      field("categoryId", "Category id", "text", false),
      select("privacyStatus", "Privacy", false, {"public", "unlisted", "private"}),
      field("embeddable", "Embeddable", "boolean", false),
      select("license", "License", false, {"youtube", "creativeCommon"}),
      field("publishAt", "Scheduled publish time", "datetime", true),
      field("publishedAt", "Published at", "datetime", true),
      field("defaultLanguage", "Default language", "text", true),
      field("duration", "Duration (ISO 8601)", "text", true),
      field("madeForKids", "Made for kids", "boolean", true),
      field("uploadStatus", "Upload status", "text", true),
      field("viewCount", "Views", "number", true),
      field("likeCount", "Likes", "number", true),
      field("commentCount", "Comments", "number", true),
      field("thumbnails", "Thumbnails", "json", true),
  });
}

json playlist_fields() {
  return json::array({
      field("id", "Playlist id", "text", true),
      field("title", "Title", "text", true),
      field("description", "Description", "long_text", true),
      select("privacyStatus", "Privacy", true, {"public", "unlisted", "private"}),
      field("publishedAt", "Created at", "datetime", true),
      field("itemCount", "Videos", "number", true),
      field("thumbnails", "Thumbnails", "json", true),
  });
}

}  // namespace

json describe_tables() {
  return {{"tables", json::array({{{"id", kVideosTable},
                                   {"name", "Videos"},
                                   {"primary_key", json::array({"id"})},
                                   {"read_only", false},
                                   {"fields", video_fields()}},
                                  {{"id", kPlaylistsTable},
                                   {"name", "Playlists"},
                                   {"primary_key", json::array({"id"})},
                                   {"read_only", true},
                                   {"fields", playlist_fields()}}})}};
}

VideoPart editable_part(const std::string& field) {
  static const std::map<std::string, VideoPart> parts = {
      {"title", VideoPart::snippet},        {"description", VideoPart::snippet},
      {"tags", VideoPart::snippet},         {"categoryId", VideoPart::snippet},
      {"privacyStatus", VideoPart::status}, {"embeddable", VideoPart::status},
      {"license", VideoPart::status},
  };
  const auto it = parts.find(field);
  return it == parts.end() ? VideoPart::none : it->second;
}

bool is_video_field(const std::string& field) {
  static const json fields = video_fields();
  for (const auto& f : fields)
    if (f["id"] == field) return true;
  return false;
}

}  // namespace scratch::youtube

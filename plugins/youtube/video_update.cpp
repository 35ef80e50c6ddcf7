#include "video_update.hpp"

#include "tables.hpp"

namespace scratch::youtube {

using plugin::Error;
using plugin::json;

namespace {

// The mutable properties of each part, as YouTube documents them for videos.update. Copying all of them
// from the current video is what keeps a PUT from clearing what the user did not touch.
constexpr const char* kSnippetMutable[] = {"title",      "description",     "tags",
                                           "categoryId", "defaultLanguage", "defaultAudioLanguage"};
constexpr const char* kStatusMutable[] = {"privacyStatus",         "embeddable", "license",
                                          "publicStatsViewable",   "publishAt",  "selfDeclaredMadeForKids",
                                          "containsSyntheticMedia"};

template <std::size_t N>
json copy_keys(const json& from, const char* const (&keys)[N]) {
  json out = json::object();
  if (!from.is_object()) return out;
  for (const char* key : keys)
    if (from.contains(key) && !from[key].is_null()) out[key] = from[key];
  return out;
}

void set_snippet_value(json& snippet, const std::string& field, const json& value) {
  if (field == "tags") {
    if (value.is_null() || (value.is_array() && value.empty())) {
      snippet.erase("tags");  // YouTube stores no tags as no key
      return;
    }
    if (!value.is_array())
      throw Error("invalid_value", "tags must be a list of keywords (got " + value.dump() + ")");
    for (const auto& tag : value)
      if (!tag.is_string()) throw Error("invalid_value", "each tag must be text (got " + tag.dump() + ")");
    snippet["tags"] = value;
  } else if (field == "description" && value.is_null()) {
    snippet["description"] = "";
  } else if (value.is_null()) {
    // title and categoryId are required by YouTube: send nothing and let it say so in its own words.
    snippet.erase(field);
  } else if (!value.is_string()) {
    throw Error("invalid_value", field + " must be text (got " + value.dump() + ")");
  } else {
    snippet[field] = value;
  }
}

void set_status_value(json& status, const std::string& field, const json& value) {
  if (value.is_null()) throw Error("invalid_value", field + " cannot be empty on YouTube");
  if (field == "embeddable" && !value.is_boolean())
    throw Error("invalid_value", "embeddable must be true or false (got " + value.dump() + ")");
  if (field != "embeddable" && !value.is_string())
    throw Error("invalid_value", field + " must be text (got " + value.dump() + ")");
  status[field] = value;
}

}  // namespace

VideoUpdate build_update(const json& current, const json& edits) {
  if (!edits.is_object() || edits.empty()) throw Error("invalid_request", "the update has no fields");
  const json current_snippet = current.value("snippet", json::object());
  const json current_status = current.value("status", json::object());
  json snippet = copy_keys(current_snippet, kSnippetMutable);
  json status = copy_keys(current_status, kStatusMutable);
  bool snippet_edited = false, status_edited = false;
  for (const auto& [field, value] : edits.items()) {
    switch (editable_part(field)) {
      case VideoPart::snippet:
        set_snippet_value(snippet, field, value);
        snippet_edited = true;
        break;
      case VideoPart::status:
        set_status_value(status, field, value);
        status_edited = true;
        break;
      case VideoPart::none:
        if (is_video_field(field)) throw Error("read_only", field + " is read-only on YouTube");
        throw Error("unknown_field", "the videos table has no field " + field);
    }
  }
  // A schedule only exists for private videos: YouTube refuses publishAt next to any other privacy.
  if (status_edited && status.value("privacyStatus", "") != "private") status.erase("publishAt");

  VideoUpdate update;
  update.body = {{"id", current.at("id")}};
  if (snippet_edited) {
    update.body["snippet"] = std::move(snippet);
    update.parts = "snippet";
  }
  if (status_edited) {
    update.body["status"] = std::move(status);
    update.parts += update.parts.empty() ? "status" : ",status";
  }
  return update;
}

json merge_answer(json current, const json& answer) {
  if (!answer.is_object()) return current;
  for (const char* part : {"snippet", "status"})
    if (answer.contains(part) && answer[part].is_object()) current[part] = answer[part];
  return current;
}

}  // namespace scratch::youtube

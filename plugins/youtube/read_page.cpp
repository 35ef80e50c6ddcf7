#include "read_page.hpp"

#include <scratch/plugin_util.hpp>
#include <string>
#include <vector>

#include "channel.hpp"
#include "read_cursor.hpp"
#include "record_fields.hpp"
#include "spec.hpp"

namespace scratch::youtube {

using plugin::Error;
using plugin::json;

namespace {

int page_size_of(const json& request) {
  const auto it = request.find("page_size");
  const int asked = it != request.end() && it->is_number_integer() ? it->get<int>() : kMaxPageSize;
  return asked < 1 || asked > kMaxPageSize ? kMaxPageSize : asked;
}

json items_of(const ApiResult& result) {
  const json items = result.body.is_object() ? result.body.value("items", json::array()) : json::array();
  return items.is_array() ? items : json::array();
}

// The answer's nextPageToken wrapped in a cursor, or null on the last page (YouTube omits the token).
json next_cursor(const ApiResult& result, const std::string& playlist) {
  const json token = result.body.is_object() ? result.body.value("nextPageToken", json()) : json();
  if (!token.is_string() || token.get<std::string>().empty()) return nullptr;
  return encode_cursor({playlist, token.get<std::string>()});
}

void add_total(json& page, const ApiResult& result) {
  const json info = result.body.is_object() ? result.body.value("pageInfo", json()) : json();
  if (info.is_object() && info.contains("totalResults") && info["totalResults"].is_number_integer())
    page["total"] = info["totalResults"];
}

Error list_error(const ApiResult& result, const std::string& doing) {
  if (result.reason == "invalidPageToken")
    return Error("invalid_cursor", "YouTube no longer accepts this page token (" + result.describe() + ")");
  return call_error(result, doing);
}

}  // namespace

json fetch_videos(const YouTubeApi& api, const std::vector<std::string>& ids) {
  std::string list;
  for (const auto& id : ids)
    list += (list.empty() ? "" : ",") + id;
  const ApiResult result =
      api.get("/videos?part=" + plugin::url_encode("snippet,status,statistics,contentDetails") +
              "&id=" + plugin::url_encode(list));
  if (!result.ok())
    throw call_error(result, "reading the details of " + std::to_string(ids.size()) + " videos");
  json by_id = json::object();
  for (const auto& video : items_of(result))
    if (video.is_object() && video.contains("id") && video["id"].is_string())
      by_id[video["id"].get<std::string>()] = video;
  return by_id;
}

json read_videos(const YouTubeApi& api, const json& request) {
  const std::optional<ReadCursor> cursor = decode_cursor(request.value("cursor", json()));
  std::string playlist = cursor ? cursor->playlist : "";
  if (playlist.empty()) {
    const json channel = fetch_channel(api, "contentDetails");
    const json uploads = channel.value("contentDetails", json::object())
                             .value("relatedPlaylists", json::object())
                             .value("uploads", json());
    if (!uploads.is_string() || uploads.get<std::string>().empty())
      return {{"records", json::array()}, {"next_cursor", nullptr}};
    playlist = uploads.get<std::string>();
  }

  std::string path = "/playlistItems?part=contentDetails&playlistId=" + plugin::url_encode(playlist) +
                     "&maxResults=" + std::to_string(page_size_of(request));
  if (cursor) path += "&pageToken=" + plugin::url_encode(cursor->page_token);
  const ApiResult items = api.get(path);
  if (items.status == 404 && !cursor) {
    // A channel that never uploaded may have no uploads playlist yet.
    return {{"records", json::array()}, {"next_cursor", nullptr}};
  }
  if (!items.ok()) throw list_error(items, "listing the channel's uploads");

  std::vector<std::string> ids;
  for (const auto& item : items_of(items)) {
    const json id = item.value("contentDetails", json::object()).value("videoId", json());
    if (id.is_string()) ids.push_back(id.get<std::string>());
  }
  json records = json::array();
  if (!ids.empty()) {
    const json videos = fetch_videos(api, ids);
    // In the playlist's order (newest first); a video deleted since is simply not there.
    for (const auto& id : ids)
      if (videos.contains(id)) records.push_back(as_record(video_fields(videos[id])));
  }
  json page = {{"records", std::move(records)}, {"next_cursor", next_cursor(items, playlist)}};
  add_total(page, items);
  return page;
}

json read_playlists(const YouTubeApi& api, const json& request) {
  const std::optional<ReadCursor> cursor = decode_cursor(request.value("cursor", json()));
  std::string path = "/playlists?part=" + plugin::url_encode("snippet,status,contentDetails") +
                     channel_filter(api.settings(), "channelId") +
                     "&maxResults=" + std::to_string(page_size_of(request));
  if (cursor) path += "&pageToken=" + plugin::url_encode(cursor->page_token);
  const ApiResult result = api.get(path);
  if (!result.ok()) throw list_error(result, "listing the channel's playlists");
  json records = json::array();
  for (const auto& playlist : items_of(result))
    if (playlist.is_object()) records.push_back(as_record(playlist_fields(playlist)));
  json page = {{"records", std::move(records)}, {"next_cursor", next_cursor(result, "")}};
  add_total(page, result);
  return page;
}

}  // namespace scratch::youtube

// The connector's spec: what the host shows users, validates config/credentials against, and uses for its
// rate limiting and daily quota accounting.
#pragma once

#include <cstddef>

namespace scratch::youtube {

// Quota costs are upper bounds in YouTube units: check and read make list calls of 1 unit each (a first
// read page: channels + playlistItems + videos); an update is its share of the videos.list that reads the
// batch (1) plus videos.update (50).
inline constexpr const char* kSpecJson = R"json({
  "display_name": "YouTube",
  "description": "A channel's uploaded videos (title, description, tags, category, privacy, embedding editable) and its playlists (read-only) through the YouTube Data API v3. Videos and playlists cannot be created or deleted here.",
  "capabilities": ["read", "update"],
  "limits": {"max_page_size": 50, "max_write_batch": 50, "requests_per_second": 10},
  "quota": {"daily_units": 10000, "reset_timezone": "America/Los_Angeles",
            "costs": {"check": 1, "list_tables": 1, "read": 3, "update": 51}},
  "config_schema": {
    "type": "object",
    "properties": {
      "base_url": {"type": "string", "title": "API address", "default": "https://www.googleapis.com/youtube/v3",
                   "pattern": "^https?://"},
      "channel_id": {"type": "string", "title": "Channel id",
                     "description": "The UC... id of the channel; empty for the channel the access token belongs to",
                     "pattern": "^(UC[A-Za-z0-9_-]{22})?$"},
      "daily_quota_units": {"type": "number", "title": "Daily quota (units)",
                            "description": "The Google Cloud project's daily YouTube quota, when Google raised it above 10,000",
                            "minimum": 1, "default": 10000},
      "requests_per_second": {"type": "number", "title": "Requests per second",
                              "description": "How fast requests are sent; YouTube limits the daily quota, not the rate",
                              "exclusiveMinimum": 0, "maximum": 100, "default": 10}
    },
    "additionalProperties": false
  },
  "credentials_schema": {
    "type": "object",
    "properties": {
      "access_token": {"type": "string", "title": "OAuth access token", "minLength": 1,
                       "description": "A Google OAuth 2.0 access token with the youtube (or youtube.force-ssl) scope"}
    },
    "required": ["access_token"],
    "additionalProperties": false
  }
})json";

// Kept in step with the spec above.
inline constexpr int kMaxPageSize = 50;
inline constexpr std::size_t kMaxIdsPerList = 50;
inline constexpr const char* kDefaultBaseUrl = "https://www.googleapis.com/youtube/v3";
inline constexpr double kDefaultRequestsPerSecond = 10;

}  // namespace scratch::youtube

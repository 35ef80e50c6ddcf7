// The Notion connector's spec: what the host shows users and validates config and credentials against.
#pragma once

#include <cstddef>

namespace scratch::notion {

inline constexpr const char* kSpecJson = R"json({
  "display_name": "Notion",
  "description": "Notion databases: pages as records, properties as fields (API version 2022-06-28).",
  "capabilities": ["read", "create", "update", "delete"],
  "limits": {"max_page_size": 100, "max_write_batch": 1, "requests_per_second": 3},
  "config_schema": {
    "type": "object",
    "properties": {
      "base_url": {"type": "string", "title": "API address", "default": "https://api.notion.com/v1",
                   "pattern": "^https?://"},
      "database_ids": {"type": "array", "title": "Database ids",
                       "description": "Databases to offer as tables; empty: every database shared with the integration.",
                       "items": {"type": "string", "minLength": 32, "maxLength": 36}, "default": []},
      "requests_per_second": {"type": "number", "title": "Requests per second",
                              "description": "Notion allows about 3 per integration on average; 0 keeps that.",
                              "minimum": 0, "maximum": 100, "default": 0}
    },
    "additionalProperties": false
  },
  "credentials_schema": {
    "type": "object",
    "properties": {
      "token": {"type": "string", "title": "Integration secret", "minLength": 1,
                "description": "The internal integration secret (ntn_... or secret_...) or an OAuth access token."}
    },
    "required": ["token"],
    "additionalProperties": false
  }
})json";

inline constexpr const char* kDefaultBaseUrl = "https://api.notion.com/v1";
// Pinned: databases own their schema and are queried directly (no data sources).
inline constexpr const char* kNotionVersion = "2022-06-28";
inline constexpr int kMaxPageSize = 100;
// Notion's limits on rich text a request may carry.
inline constexpr std::size_t kMaxTextContent = 2000;
inline constexpr std::size_t kMaxRichTextItems = 100;

}  // namespace scratch::notion

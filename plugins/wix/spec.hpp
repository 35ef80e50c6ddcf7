// The connector's spec: what the host shows users and validates config/credentials against.
#pragma once

#include <cstddef>

namespace scratch::wix {

inline constexpr const char* kSpecJson = R"json({
  "display_name": "Wix",
  "description": "The CMS data collections of one Wix site: items read 100 at a time, written through the bulk endpoints (partial updates only).",
  "capabilities": ["read", "create", "update", "delete"],
  "limits": {"max_page_size": 100, "max_write_batch": 100, "requests_per_second": 3.3333},
  "config_schema": {
    "type": "object",
    "properties": {
      "base_url": {"type": "string", "title": "API address", "default": "https://www.wixapis.com",
                   "pattern": "^https?://"},
      "site_id": {"type": "string", "title": "Site id", "minLength": 1,
                  "description": "The site's id (the GUID after /dashboard/ in the site's dashboard URL), sent as wix-site-id"},
      "requests_per_minute": {"type": "number", "title": "Requests per minute",
                              "description": "Wix allows 200 requests per minute per app instance",
                              "exclusiveMinimum": 0, "maximum": 6000, "default": 200}
    },
    "required": ["site_id"],
    "additionalProperties": false
  },
  "credentials_schema": {
    "type": "object",
    "properties": {
      "api_key": {"type": "string", "title": "API key", "minLength": 1,
                  "description": "An API key from the Wix API Keys Manager with the Wix Data permissions (sent as is, without Bearer)"}
    },
    "required": ["api_key"],
    "additionalProperties": false
  }
})json";

// Kept in step with the spec above.
inline constexpr int kMaxPageSize = 100;           // cursor-style reads; Wix serves up to 1000 with offsets
inline constexpr std::size_t kMaxBulkItems = 100;  // Bulk Patch takes at most 100 patches
inline constexpr const char* kDefaultBaseUrl = "https://www.wixapis.com";
inline constexpr double kDefaultRequestsPerMinute = 200;

}  // namespace scratch::wix

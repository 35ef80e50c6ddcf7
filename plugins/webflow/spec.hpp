// The connector's spec: what the host shows users and validates config/credentials against.
#pragma once

#include <cstddef>

namespace scratch::webflow {

inline constexpr const char* kSpecJson = R"json({
  "display_name": "Webflow",
  "description": "CMS collections of a Webflow site (Data API v2): items read page by page and written with the 100-item bulk endpoints.",
  "capabilities": ["read", "create", "update", "delete"],
  "limits": {"max_page_size": 100, "max_write_batch": 100, "requests_per_second": 1},
  "config_schema": {
    "type": "object",
    "properties": {
      "base_url": {"type": "string", "title": "API address", "default": "https://api.webflow.com/v2",
                   "pattern": "^https?://"},
      "site_id": {"type": "string", "title": "Site ID", "minLength": 1,
                  "description": "The 24-character id of the site (Site settings, or GET /v2/sites)."},
      "requests_per_minute": {"type": "number", "title": "Requests per minute", "default": 60, "minimum": 1,
                              "maximum": 6000,
                              "description": "Your plan's API rate: 60 (Starter, Basic), 120 (CMS, Business)."},
      "publish": {"type": "string", "title": "Write to", "enum": ["staged", "live"], "default": "staged",
                  "description": "staged: changes wait for the next site publish; live: they go live at once."}
    },
    "required": ["site_id"],
    "additionalProperties": false
  },
  "credentials_schema": {
    "type": "object",
    "properties": {
      "api_token": {"type": "string", "title": "API token", "minLength": 1,
                    "description": "A site API token or OAuth token with sites:read, cms:read and cms:write."}
    },
    "required": ["api_token"],
    "additionalProperties": false
  }
})json";

// Kept in step with the spec above.
inline constexpr const char* kDefaultBaseUrl = "https://api.webflow.com/v2";
inline constexpr double kDefaultRequestsPerMinute = 60;
inline constexpr int kMaxPageSize = 100;
inline constexpr std::size_t kMaxBulkItems = 100;

}  // namespace scratch::webflow

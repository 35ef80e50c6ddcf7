// The connector's spec: what the host shows users and validates config/credentials against.
#pragma once

#include <cstddef>

namespace scratch::airtable {

inline constexpr const char* kSpecJson = R"json({
  "display_name": "Airtable",
  "description": "Tables of one Airtable base: records read 100 at a time, written 10 per request, fields addressed by id.",
  "capabilities": ["read", "create", "update", "delete"],
  "limits": {"max_page_size": 100, "max_write_batch": 10, "requests_per_second": 5},
  "config_schema": {
    "type": "object",
    "properties": {
      "base_url": {"type": "string", "title": "API address", "default": "https://api.airtable.com/v0",
                   "pattern": "^https?://"},
      "base_id": {"type": "string", "title": "Base id", "description": "The app... id in the base's URL",
                  "pattern": "^app[A-Za-z0-9]+$"},
      "rate_limit_penalty_seconds": {"type": "number", "title": "Wait after a 429 (seconds)",
                                     "description": "Airtable locks a base out for 30 s after too many requests",
                                     "minimum": 0, "maximum": 60, "default": 30},
      "requests_per_second": {"type": "number", "title": "Requests per second",
                              "description": "Kept a little under Airtable's 5 per base so that timing jitter never puts six requests in one second",
                              "exclusiveMinimum": 0, "maximum": 50, "default": 5}
    },
    "required": ["base_id"],
    "additionalProperties": false
  },
  "credentials_schema": {
    "type": "object",
    "properties": {
      "api_key": {"type": "string", "title": "Personal access token", "minLength": 1,
                  "description": "Scopes data.records:read, data.records:write, schema.bases:read; the base added as a resource"}
    },
    "required": ["api_key"],
    "additionalProperties": false
  }
})json";

// Kept in step with the spec above.
inline constexpr int kMaxPageSize = 100;
inline constexpr std::size_t kMaxRecordsPerRequest = 10;
inline constexpr const char* kDefaultBaseUrl = "https://api.airtable.com/v0";
inline constexpr double kDefaultPenaltySeconds = 30;
inline constexpr double kDefaultRequestsPerSecond = 5;

}  // namespace scratch::airtable

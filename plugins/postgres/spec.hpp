// The connector's spec: what the host shows users and validates config/credentials against.
#pragma once

#include <cstddef>

namespace scratch::postgres {

inline constexpr const char* kSpecJson = R"json({
  "display_name": "PostgreSQL",
  "description": "Tables of a PostgreSQL database: read with keyset paging by primary key, write inside one transaction per batch.",
  "capabilities": ["read", "create", "update", "delete"],
  "limits": {"max_page_size": 5000, "max_write_batch": 500, "requests_per_second": 0},
  "config_schema": {
    "type": "object",
    "properties": {
      "schemas": {"type": "array", "items": {"type": "string"}, "default": ["public"]}
    },
    "additionalProperties": false
  },
  "credentials_schema": {
    "type": "object",
    "required": ["connection_string"],
    "properties": {
      "connection_string": {"type": "string", "minLength": 1}
    },
    "additionalProperties": false
  }
})json";

// Kept in step with the spec's limits above.
inline constexpr int kDefaultPageSize = 500;
inline constexpr int kMaxPageSize = 5000;
inline constexpr std::size_t kMaxWriteBatch = 500;

}  // namespace scratch::postgres

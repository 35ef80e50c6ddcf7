// The connector's spec: what the host shows users and validates config/credentials against.
#pragma once

#include <cstddef>

namespace scratch::wordpress {

inline constexpr const char* kSpecJson = R"json({
  "display_name": "WordPress",
  "description": "Posts, pages and custom post types of a WordPress site through its REST API (wp/v2), content edited in its raw form.",
  "capabilities": ["read", "create", "update", "delete"],
  "limits": {"max_page_size": 100, "max_write_batch": 10, "requests_per_second": 10},
  "config_schema": {
    "type": "object",
    "properties": {
      "site_url": {"type": "string", "title": "Site address",
                   "description": "The site's address, e.g. https://example.com; the API is at {site_url}/wp-json/wp/v2",
                   "pattern": "^https?://"},
      "delete_mode": {"type": "string", "title": "Deleting a record", "enum": ["trash", "force"], "default": "trash",
                      "description": "trash: move the post to the trash (it can be restored); force: delete it permanently"},
      "post_types": {"type": "array", "title": "Post types", "items": {"type": "string", "minLength": 1},
                     "description": "Post types to offer as tables, by rest_base or slug (e.g. posts, pages, books); default: every content type the site exposes"},
      "requests_per_second": {"type": "number", "title": "Requests per second",
                              "description": "WordPress itself has no limit; hosts and security plugins do, so stay polite",
                              "exclusiveMinimum": 0, "maximum": 100, "default": 10}
    },
    "required": ["site_url"],
    "additionalProperties": false
  },
  "credentials_schema": {
    "type": "object",
    "properties": {
      "username": {"type": "string", "title": "Username", "minLength": 1},
      "application_password": {"type": "string", "title": "Application password", "minLength": 1,
                               "description": "Users > Profile > Application Passwords (not the login password)"}
    },
    "required": ["username", "application_password"],
    "additionalProperties": false
  }
})json";

// Kept in step with the spec above.
inline constexpr int kMaxPageSize = 100;
inline constexpr double kDefaultRequestsPerSecond = 10;

}  // namespace scratch::wordpress

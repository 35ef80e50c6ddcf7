// Requests to the Notion API through the host's HTTP client: the pinned version header, the token, and the
// translation of Notion's error answers into the connector errors the server understands.
#pragma once

#include <scratch/plugin.hpp>

#include <string>

namespace scratch::notion {

using plugin::json;

class NotionApi {
 public:
  NotionApi(plugin::Host& host, const plugin::Call& call);

  // One request; `body` null sends none. Returns whatever answer came (any status); throws plugin::Error
  // only when no answer came (the host's code: timeout, connect_failed, ...).
  plugin::HttpResponse send(const std::string& method, const std::string& path,
                            const json& body = nullptr) const;

  // The same, for calls where any failure fails the whole call: a non-200 answer throws (see fail()).
  json call(const std::string& method, const std::string& path, const json& body = nullptr) const;

  plugin::Host& host() const { return host_; }

 private:
  plugin::Host& host_;
  std::string base_url_;
  std::string token_;
  double requests_per_second_ = 0;
};

// Notion's error envelope as one line: "validation_error: <message>" (or the HTTP status when there is none).
std::string notion_error_text(const plugin::HttpResponse& response);

// Throws the call-level plugin::Error for a non-200 answer: 401/403 auth_failed, 404 not_found, 429/529
// rate_limited (retryable), 5xx connection_failed (retryable), 400 invalid_request or invalid_value.
[[noreturn]] void fail(const plugin::HttpResponse& response, const std::string& what);

// A URL path segment: Notion ids need no escaping, but property ids are already %-encoded and go as they are.
std::string path_segment(const std::string& text);

}  // namespace scratch::notion

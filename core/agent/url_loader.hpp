// An agent's "load this URL": the page's text through the host's HTTP client, with the same address guard
// as Lua connectors (loopback, private, link-local and metadata addresses refused after DNS and on every
// redirect unless the operator allows the host), a size cap, a time cap and only http/https.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "net/address_policy.hpp"
#include "net/http_client.hpp"

namespace scratch::agent {

struct UrlLoaderSettings {
  std::size_t max_bytes = 2u << 20;          // response body
  std::size_t max_text_chars = 200'000;      // text handed back (the rest is cut, "truncated": true)
  std::chrono::milliseconds timeout{15000};  // per request
  int max_redirects = 5;
  net::AddressPolicy policy;  // public addresses only unless hosts are allowed
};

class UrlLoader {
 public:
  explicit UrlLoader(UrlLoaderSettings settings);

  // {url, final_url, status, content_type, title, text, truncated}; ApiError 422 url_refused /
  // url_failed / url_too_large for what cannot be loaded.
  nlohmann::json load(const std::string& url) const;

 private:
  UrlLoaderSettings settings_;
  net::HttpClient http_;  // its own: bodies past max_bytes are cut off while they arrive
};

// The readable text of an HTML document (scripts, styles and tags dropped, entities decoded, blank runs
// collapsed) and its <title>.
struct PageText {
  std::string title;
  std::string text;
};
PageText html_to_text(const std::string& html);

}  // namespace scratch::agent

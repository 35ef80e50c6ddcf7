// Minimal blocking HTTP client (libcurl) for talking to a scratchd under test.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace scratch::test {

// HTTP header names are case-insensitive, so the header map must be too.
struct CaseInsensitiveLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const noexcept;
};

struct HttpResponse {
  long status = 0;  // 0 means no HTTP response at all (connect failure, timeout); body holds the curl error
  // Repeated headers are joined with ", " (so several Set-Cookie lines end up in one value).
  std::map<std::string, std::string, CaseInsensitiveLess> headers;
  std::string body;

  // Parses body as JSON; throws std::runtime_error quoting status and body if it is not JSON.
  nlohmann::json json() const;
  // Value of a header, or "" if absent.
  std::string header(std::string_view name) const;
};

// One request per call, no connection reuse, never follows redirects, ignores *_proxy env vars.
// Never throws for network problems: those come back as status 0 so tests can assert on them.
class HttpClient {
 public:
  explicit HttpClient(std::string base_url, std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // Any method string is sent verbatim. A body is sent as-is; curl's default form Content-Type is
  // suppressed unless headers sets one. A header with an empty value is sent as "Name:" (empty).
  HttpResponse request(std::string_view method, std::string_view path, std::optional<std::string> body = {},
                       std::vector<std::pair<std::string, std::string>> headers = {}) const;

  HttpResponse get(std::string_view path, std::string_view bearer = "") const;
  HttpResponse post_json(std::string_view path, const nlohmann::json& body,
                         std::string_view bearer = "") const;
  HttpResponse del(std::string_view path, std::string_view bearer = "") const;

  const std::string& base_url() const { return base_url_; }

 private:
  static std::vector<std::pair<std::string, std::string>> auth(std::string_view bearer);

  std::string base_url_;
  std::chrono::milliseconds timeout_;
};

}  // namespace scratch::test

// Request checks: method and header syntax (RFC 9110 tokens), URL scheme and host.
#include "net/request_validation.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <string_view>

namespace scratch::net {
namespace {

bool is_tchar(unsigned char c) {
  if (std::isalnum(c)) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool is_token(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](char c) { return is_tchar(static_cast<unsigned char>(c)); });
}

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};

std::optional<std::string> validate_url(const std::string& url) {
  std::unique_ptr<CURLU, UrlDeleter> parsed(curl_url());
  if (!parsed) return "out of memory parsing the URL";
  // NON_SUPPORT_SCHEME lets unknown schemes parse, so they get the clearer "scheme not allowed" reason.
  if (curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
    return "the URL is malformed or not absolute";
  }
  char* raw = nullptr;
  if (curl_url_get(parsed.get(), CURLUPART_SCHEME, &raw, 0) != CURLUE_OK || raw == nullptr) {
    return "the URL has no scheme";
  }
  const std::string scheme(raw);  // curl lower-cases it
  curl_free(raw);
  if (scheme != "http" && scheme != "https")
    return "scheme '" + scheme + "' is not allowed (http, https only)";

  raw = nullptr;
  const bool has_host = curl_url_get(parsed.get(), CURLUPART_HOST, &raw, 0) == CURLUE_OK && raw && *raw;
  curl_free(raw);
  if (!has_host) return "the URL has no host";
  return std::nullopt;
}

}  // namespace

std::optional<std::string> validate_request(const HttpRequest& request) {
  if (!is_token(request.method)) return "the method is not a valid HTTP method token";
  if (auto reason = validate_url(request.url)) return reason;
  for (const auto& [name, value] : request.headers) {
    if (!is_token(name)) return "a header name is not a valid HTTP token";
    if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      return "header '" + name + "' contains CR, LF or NUL";
    }
  }
  if (request.timeout.count() <= 0) return "the timeout must be positive";
  return std::nullopt;
}

}  // namespace scratch::net

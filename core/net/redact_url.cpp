// URL redaction for logs, using libcurl's URL parser so that logs show what curl actually contacted.
#include "net/redact_url.hpp"

#include <curl/curl.h>

#include <memory>

namespace scratch::net {
namespace {

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
struct CurlStringDeleter {
  void operator()(char* s) const { curl_free(s); }
};

bool get_part(CURLU* url, CURLUPart part, std::string& out) {
  char* raw = nullptr;
  if (curl_url_get(url, part, &raw, 0) != CURLUE_OK || raw == nullptr) return false;
  std::unique_ptr<char, CurlStringDeleter> owned(raw);
  out = raw;
  return true;
}

void append_printable(std::string& out, const std::string& text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
}

}  // namespace

std::string redact_url(std::string_view url) {
  static const std::string invalid = "<invalid url>";
  std::unique_ptr<CURLU, UrlDeleter> parsed(curl_url());
  if (!parsed) return invalid;
  // NON_SUPPORT_SCHEME: rejected requests (gopher://, file://) should still log as something recognisable.
  if (curl_url_set(parsed.get(), CURLUPART_URL, std::string(url).c_str(), CURLU_NON_SUPPORT_SCHEME) !=
      CURLUE_OK) {
    return invalid;
  }
  std::string scheme, host, port, path;
  if (!get_part(parsed.get(), CURLUPART_SCHEME, scheme)) return invalid;
  get_part(parsed.get(), CURLUPART_HOST, host);  // file:///x has none
  get_part(parsed.get(), CURLUPART_PORT, port);  // only set when the URL names a port
  if (!get_part(parsed.get(), CURLUPART_PATH, path) || path.empty()) path = "/";

  std::string out;
  out.reserve(scheme.size() + host.size() + port.size() + path.size() + 5);
  append_printable(out, scheme);
  out += "://";
  append_printable(out, host);
  if (!port.empty()) {
    out += ':';
    append_printable(out, port);
  }
  append_printable(out, path);
  return out;
}

}  // namespace scratch::net

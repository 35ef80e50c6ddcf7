// The form of a URL that may be written to logs.
#pragma once

#include <string>
#include <string_view>

namespace scratch::net {

// Returns scheme://host[:port]/path: no userinfo, query or fragment, because those are where credentials
// and tokens travel. The port appears only when the URL names one. Control characters are percent-encoded
// so a URL cannot forge log lines. A URL that cannot be parsed yields "<invalid url>", never the input.
// Secrets placed in the path itself (e.g. /bot<token>/) are not detectable and stay visible.
std::string redact_url(std::string_view url);

}  // namespace scratch::net

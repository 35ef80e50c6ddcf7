// Percent-encoding for query values.
#pragma once

#include <string>

namespace scratch::youtube {

// Everything but RFC 3986 unreserved characters is encoded.
std::string url_encode(const std::string& text);

}  // namespace scratch::youtube

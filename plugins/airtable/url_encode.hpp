// Percent-encoding for path segments and query values.
#pragma once

#include <string>

namespace scratch::airtable {

// Everything but RFC 3986 unreserved characters is encoded.
std::string url_encode(const std::string& text);

}  // namespace scratch::airtable

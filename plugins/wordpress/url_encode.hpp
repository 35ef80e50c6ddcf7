// Percent-encoding of one URL path segment or query value.
#pragma once

#include <string>

namespace scratch::wordpress {

std::string url_encode(const std::string& text);

}  // namespace scratch::wordpress

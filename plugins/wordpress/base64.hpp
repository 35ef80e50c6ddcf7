// Standard base64 (RFC 4648, with padding), for the HTTP Basic header.
#pragma once

#include <string>

namespace scratch::wordpress {

std::string base64_encode(const std::string& bytes);

}  // namespace scratch::wordpress

// URL-safe base64 without padding, for opaque cursors that travel through URLs and JSON unescaped.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace scratch::postgres {

std::string base64url_encode(std::string_view bytes);
// nullopt when text holds a character outside the alphabet or has an impossible length.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace scratch::postgres

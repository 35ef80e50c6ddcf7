// Text encodings for binary data: base64 (RFC 4648 §4), base64url (§5) and hex.
// Decoders are strict and return std::nullopt on anything malformed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace scratch::crypto {

// URL-safe alphabet, no padding (as used by JWT, tokens, password hashes).
std::string base64url_encode(std::string_view bytes);
// Rejects '=', characters outside the alphabet, length % 4 == 1 and
// non-zero trailing bits, so each byte string has exactly one encoding.
std::optional<std::string> base64url_decode(std::string_view text);

// Standard alphabet with '=' padding.
std::string base64_encode(std::string_view bytes);
// Requires length % 4 == 0, correct padding and zero trailing bits.
std::optional<std::string> base64_decode(std::string_view text);

// Lowercase hex.
std::string hex_encode(std::string_view bytes);
// Accepts either case; rejects odd length and non-hex characters.
std::optional<std::string> hex_decode(std::string_view text);

}  // namespace scratch::crypto

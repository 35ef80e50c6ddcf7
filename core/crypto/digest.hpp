// Hashing primitives over OpenSSL: SHA-256, HMAC-SHA256 and a timing-safe compare.
#pragma once

#include <string>
#include <string_view>

namespace scratch::crypto {

// Returns the 32 raw digest bytes. Throws std::runtime_error if OpenSSL fails.
std::string sha256(std::string_view data);

// Returns the 32 raw MAC bytes. Throws std::runtime_error if OpenSSL fails.
std::string hmac_sha256(std::string_view key, std::string_view data);

// Compares without an early exit so timing doesn't reveal the matching prefix
// of a secret. Lengths are not secret: different lengths return false at once.
bool constant_time_equals(std::string_view a, std::string_view b);

}  // namespace scratch::crypto

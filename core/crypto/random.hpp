// Cryptographically secure random bytes and tokens from OpenSSL's CSPRNG.
#pragma once

#include <cstddef>
#include <string>

namespace scratch::crypto {

// n raw random bytes. Throws std::runtime_error if the CSPRNG fails.
std::string random_bytes(std::size_t n);

// base64url (unpadded) text of n_bytes random bytes, safe in URLs and cookies.
std::string random_token(std::size_t n_bytes);

}  // namespace scratch::crypto

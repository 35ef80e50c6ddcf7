// SHA-256, HMAC-SHA256 and constant-time comparison via OpenSSL (see digest.hpp).
#include "crypto/digest.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

namespace scratch::crypto {
namespace {

constexpr std::size_t sha256_size = 32;

// An empty string_view may carry a null pointer, which some OpenSSL
// entry points treat as an error rather than as zero bytes.
const unsigned char* bytes_of(std::string_view s) {
  static const unsigned char empty = 0;
  return s.empty() ? &empty : reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

std::string sha256(std::string_view data) {
  std::string out(sha256_size, '\0');
  unsigned int out_len = 0;
  if (EVP_Digest(bytes_of(data), data.size(), reinterpret_cast<unsigned char*>(out.data()), &out_len,
                 EVP_sha256(), nullptr) != 1 ||
      out_len != sha256_size) {
    throw std::runtime_error("sha256: EVP_Digest failed");
  }
  return out;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  std::string out(sha256_size, '\0');
  unsigned int out_len = 0;
  const unsigned char* result =
      HMAC(EVP_sha256(), bytes_of(key), static_cast<int>(key.size()), bytes_of(data), data.size(),
           reinterpret_cast<unsigned char*>(out.data()), &out_len);
  if (result == nullptr || out_len != sha256_size) {
    throw std::runtime_error("hmac_sha256: HMAC failed");
  }
  return out;
}

bool constant_time_equals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace scratch::crypto

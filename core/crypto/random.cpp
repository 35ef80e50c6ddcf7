// Random bytes and tokens via RAND_bytes (see random.hpp).
#include "crypto/random.hpp"

#include "crypto/encoding.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <climits>
#include <stdexcept>

namespace scratch::crypto {

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  // RAND_bytes takes an int length, so fill large requests in chunks.
  std::size_t filled = 0;
  while (filled < n) {
    const std::size_t chunk = std::min<std::size_t>(n - filled, INT_MAX);
    if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data() + filled), static_cast<int>(chunk)) != 1) {
      throw std::runtime_error("random_bytes: RAND_bytes failed");
    }
    filled += chunk;
  }
  return out;
}

std::string random_token(std::size_t n_bytes) {
  return base64url_encode(random_bytes(n_bytes));
}

}  // namespace scratch::crypto

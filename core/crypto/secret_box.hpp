// Authenticated encryption for secrets at rest (connector credentials): AES-256-GCM under the master
// key, with associated data binding a ciphertext to its owner row so it cannot be moved to another.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace scratch::crypto {

class SecretBox {
 public:
  // key: exactly 32 raw bytes (throws std::invalid_argument otherwise).
  explicit SecretBox(std::string key);
  // Returns "v1:" + base64(nonce(12) | ciphertext | tag(16)); a fresh random nonce every time.
  std::string seal(std::string_view plaintext, std::string_view associated_data) const;
  // nullopt when the text was tampered with, sealed under another key or for other associated data.
  std::optional<std::string> open(std::string_view sealed, std::string_view associated_data) const;

 private:
  std::string key_;
};

}  // namespace scratch::crypto

// Memory-hard password hashing with scrypt, stored as a self-describing
// PHC-like string: $scrypt$ln=15,r=8,p=1$<base64url salt>$<base64url hash>
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace scratch::auth {

// Raw scrypt (RFC 7914). n must be a power of two > 1, r and p >= 1, length >= 1.
// Throws std::invalid_argument for bad parameters, std::runtime_error if OpenSSL fails.
std::string scrypt_derive(std::string_view password, std::string_view salt, std::uint64_t n, std::uint32_t r,
                          std::uint32_t p, std::size_t length);

// Declared outside PasswordHasher because a nested struct's member initializers
// can't be used in the enclosing class's default arguments (the class is incomplete there).
struct PasswordHasherParams {
  int log2_n = 15;  // N = 2^15 with r = 8 is ~32 MiB: OWASP's recommended minimum
  int r = 8;
  int p = 1;
};

class PasswordHasher {
 public:
  using Params = PasswordHasherParams;

  // Throws std::invalid_argument if params are outside the range verify() accepts,
  // since hashes made with them could never be verified.
  explicit PasswordHasher(Params params = {});

  // Fresh 16-byte random salt, 32-byte key. Throws std::runtime_error on OpenSSL failure.
  std::string hash(std::string_view password) const;

  // Never throws: malformed or out-of-bounds stored strings return false.
  bool verify(std::string_view password, std::string_view encoded) const;

  // True if encoded was made with different parameters (or is unparseable),
  // so the caller should re-hash after a successful login.
  bool needs_rehash(std::string_view encoded) const;

  // Runs one derivation with the configured params and discards it: used when
  // the account doesn't exist, so a wrong email costs as long as a wrong password.
  void burn_time() const;

 private:
  Params params_;
};

}  // namespace scratch::auth

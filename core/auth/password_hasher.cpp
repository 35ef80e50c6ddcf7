// scrypt password hashing over OpenSSL and the $scrypt$ string format (see password_hasher.hpp).
#include "auth/password_hasher.hpp"

#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"
#include "crypto/random.hpp"

#include <openssl/evp.h>

#include <charconv>
#include <limits>
#include <optional>
#include <stdexcept>
#include <vector>

namespace scratch::auth {
namespace {

constexpr std::size_t salt_size = 16;
constexpr std::size_t key_size = 32;

// Bounds for parameters read back from storage, so a crafted stored value
// cannot make verify() allocate gigabytes or spin for minutes.
constexpr int min_log2_n = 10;
constexpr int max_log2_n = 20;
constexpr int min_r = 1;
constexpr int max_r = 32;
constexpr int min_p = 1;
constexpr int max_p = 16;
constexpr std::size_t min_key_size = 16;
constexpr std::size_t max_key_size = 64;
constexpr std::size_t min_salt_size = 8;
constexpr std::size_t max_salt_size = 64;
// The per-field bounds alone still allow ln=20,r=32 (4 GiB), so also cap the
// combined cost: memory is 128*N*r bytes and CPU time grows with N*r*p.
constexpr std::uint64_t max_memory_bytes = std::uint64_t{256} << 20;  // 256 MiB
constexpr std::uint64_t max_work = std::uint64_t{1} << 22;            // N*r*p, 16x the default

constexpr std::string_view prefix = "$scrypt$";

const unsigned char* bytes_of(std::string_view s) {
  static const unsigned char empty = 0;
  return s.empty() ? &empty : reinterpret_cast<const unsigned char*>(s.data());
}

bool params_in_bounds(const PasswordHasher::Params& params) {
  if (params.log2_n < min_log2_n || params.log2_n > max_log2_n) return false;
  if (params.r < min_r || params.r > max_r) return false;
  if (params.p < min_p || params.p > max_p) return false;
  const std::uint64_t n = std::uint64_t{1} << params.log2_n;
  const auto r = static_cast<std::uint64_t>(params.r);
  const auto p = static_cast<std::uint64_t>(params.p);
  return 128 * n * r <= max_memory_bytes && n * r * p <= max_work;
}

struct Encoded {
  PasswordHasher::Params params;
  std::string salt;
  std::string key;
};

// Parses "<name>=<decimal>" at the front of text and advances past it.
std::optional<int> take_field(std::string_view& text, std::string_view name) {
  if (text.substr(0, name.size()) != name || text.size() <= name.size() || text[name.size()] != '=') {
    return std::nullopt;
  }
  text.remove_prefix(name.size() + 1);
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end == text.data() || value < 0) return std::nullopt;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  return value;
}

std::optional<PasswordHasher::Params> parse_params(std::string_view text) {
  const auto ln = take_field(text, "ln");
  if (!ln || text.substr(0, 1) != ",") return std::nullopt;
  text.remove_prefix(1);
  const auto r = take_field(text, "r");
  if (!r || text.substr(0, 1) != ",") return std::nullopt;
  text.remove_prefix(1);
  const auto p = take_field(text, "p");
  if (!p || !text.empty()) return std::nullopt;
  return PasswordHasher::Params{*ln, *r, *p};
}

// Returns nullopt for anything malformed or outside the bounds above.
std::optional<Encoded> parse_encoded(std::string_view encoded) {
  if (encoded.substr(0, prefix.size()) != prefix) return std::nullopt;
  encoded.remove_prefix(prefix.size());

  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const std::size_t dollar = encoded.find('$', start);
    parts.push_back(encoded.substr(start, dollar - start));
    if (dollar == std::string_view::npos) break;
    start = dollar + 1;
  }
  if (parts.size() != 3) return std::nullopt;

  const auto params = parse_params(parts[0]);
  if (!params || !params_in_bounds(*params)) return std::nullopt;
  auto salt = crypto::base64url_decode(parts[1]);
  if (!salt || salt->size() < min_salt_size || salt->size() > max_salt_size) return std::nullopt;
  auto key = crypto::base64url_decode(parts[2]);
  if (!key || key->size() < min_key_size || key->size() > max_key_size) return std::nullopt;
  return Encoded{*params, std::move(*salt), std::move(*key)};
}

std::string derive(std::string_view password, std::string_view salt, const PasswordHasher::Params& params,
                   std::size_t length) {
  return scrypt_derive(password, salt, std::uint64_t{1} << params.log2_n,
                       static_cast<std::uint32_t>(params.r), static_cast<std::uint32_t>(params.p), length);
}

}  // namespace

std::string scrypt_derive(std::string_view password, std::string_view salt, std::uint64_t n, std::uint32_t r,
                          std::uint32_t p, std::size_t length) {
  if (n < 2 || (n & (n - 1)) != 0) {
    throw std::invalid_argument("scrypt_derive: n must be a power of two greater than 1");
  }
  if (r == 0 || p == 0) throw std::invalid_argument("scrypt_derive: r and p must be >= 1");
  if (length == 0) throw std::invalid_argument("scrypt_derive: length must be >= 1");

  // OpenSSL refuses to use more than maxmem bytes (default 32 MiB, which even
  // our default params exceed), so pass exactly what these params need:
  // 128*r*(N+2) for V plus 128*r*p for B.
  constexpr std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
  const std::uint64_t block = 128 * std::uint64_t{r};
  if (n + 2 > max / block || p > max / block) {
    throw std::invalid_argument("scrypt_derive: parameters need too much memory");
  }
  const std::uint64_t v_bytes = block * (n + 2);
  const std::uint64_t b_bytes = block * p;
  if (b_bytes > max - v_bytes) {
    throw std::invalid_argument("scrypt_derive: parameters need too much memory");
  }

  std::string out(length, '\0');
  if (EVP_PBE_scrypt(reinterpret_cast<const char*>(bytes_of(password)), password.size(), bytes_of(salt),
                     salt.size(), n, r, p, v_bytes + b_bytes, reinterpret_cast<unsigned char*>(out.data()),
                     out.size()) != 1) {
    throw std::runtime_error("scrypt_derive: EVP_PBE_scrypt failed");
  }
  return out;
}

PasswordHasher::PasswordHasher(Params params) : params_(params) {
  if (!params_in_bounds(params_)) {
    throw std::invalid_argument("PasswordHasher: parameters outside accepted bounds");
  }
}

std::string PasswordHasher::hash(std::string_view password) const {
  const std::string salt = crypto::random_bytes(salt_size);
  const std::string key = derive(password, salt, params_, key_size);
  return std::string(prefix) + "ln=" + std::to_string(params_.log2_n) + ",r=" + std::to_string(params_.r) +
         ",p=" + std::to_string(params_.p) + "$" + crypto::base64url_encode(salt) + "$" +
         crypto::base64url_encode(key);
}

bool PasswordHasher::verify(std::string_view password, std::string_view encoded) const {
  try {
    const auto parsed = parse_encoded(encoded);
    if (!parsed) return false;
    const std::string key = derive(password, parsed->salt, parsed->params, parsed->key.size());
    return crypto::constant_time_equals(key, parsed->key);
  } catch (...) {
    // A failed derivation means we cannot vouch for the password.
    return false;
  }
}

bool PasswordHasher::needs_rehash(std::string_view encoded) const {
  const auto parsed = parse_encoded(encoded);
  if (!parsed) return true;
  return parsed->params.log2_n != params_.log2_n || parsed->params.r != params_.r ||
         parsed->params.p != params_.p || parsed->key.size() != key_size;
}

void PasswordHasher::burn_time() const {
  // Same cost as verifying one of our own hashes; the inputs don't matter.
  static const std::string dummy_salt(salt_size, '\0');
  try {
    static_cast<void>(derive("burn-time", dummy_salt, params_, key_size));
  } catch (...) {
    // Timing padding must never break the caller's login path.
  }
}

}  // namespace scratch::auth

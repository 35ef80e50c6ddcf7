// HS256 JWT signing and verification (see jwt.hpp).
#include "auth/jwt.hpp"

#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"

#include <optional>
#include <stdexcept>

namespace scratch::auth {
namespace {

// Real tokens are a few hundred bytes; the cap bounds work done on hostile input.
constexpr std::size_t max_token_size = 8 * 1024;

using nlohmann::json;

// Decodes a base64url segment and parses it as a JSON object.
std::optional<json> decode_object(std::string_view segment) {
  const auto text = crypto::base64url_decode(segment);
  if (!text) return std::nullopt;
  json value = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!value.is_object()) return std::nullopt;  // also covers parse failure (discarded)
  return value;
}

// long double holds every int64, uint64 and double exactly on x86-64 Linux,
// so claim values of any JSON number type compare without overflow or rounding.
long double as_number(const json& value) {
  if (value.is_number_unsigned()) return static_cast<long double>(value.get<std::uint64_t>());
  if (value.is_number_integer()) return static_cast<long double>(value.get<std::int64_t>());
  return static_cast<long double>(value.get<double>());
}

JwtVerification fail(JwtError error) {
  return JwtVerification{error, {}};
}

JwtVerification verify(std::string_view token, std::string_view secret, std::int64_t now_unix,
                       std::int64_t leeway_seconds) {
  if (token.size() > max_token_size) return fail(JwtError::malformed);

  const std::size_t first_dot = token.find('.');
  if (first_dot == std::string_view::npos) return fail(JwtError::malformed);
  const std::size_t second_dot = token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos) return fail(JwtError::malformed);
  if (token.find('.', second_dot + 1) != std::string_view::npos) {
    return fail(JwtError::malformed);
  }
  const std::string_view header_part = token.substr(0, first_dot);
  const std::string_view payload_part = token.substr(first_dot + 1, second_dot - first_dot - 1);
  const std::string_view signature_part = token.substr(second_dot + 1);
  const std::string_view signing_input = token.substr(0, second_dot);

  const auto header = decode_object(header_part);
  if (!header) return fail(JwtError::malformed);
  // Pinning the algorithm blocks "none" and algorithm-confusion attacks.
  const auto alg = header->find("alg");
  if (alg == header->end() || !alg->is_string() || alg->get<std::string>() != "HS256") {
    return fail(JwtError::bad_algorithm);
  }
  // RFC 7515 §4.1.11: we implement no extensions, so any "crit" must be rejected.
  if (header->contains("crit")) return fail(JwtError::malformed);

  const auto signature = crypto::base64url_decode(signature_part);
  if (!signature) return fail(JwtError::malformed);
  if (!crypto::constant_time_equals(*signature, crypto::hmac_sha256(secret, signing_input))) {
    return fail(JwtError::bad_signature);
  }

  // Only now is the payload authentic enough to parse.
  auto claims = decode_object(payload_part);
  if (!claims) return fail(JwtError::malformed);

  const auto exp = claims->find("exp");
  if (exp == claims->end() || !exp->is_number()) return fail(JwtError::malformed);
  const auto nbf = claims->find("nbf");
  if (nbf != claims->end() && !nbf->is_number()) return fail(JwtError::malformed);

  const auto now = static_cast<long double>(now_unix);
  const auto leeway = static_cast<long double>(leeway_seconds);
  if (now >= as_number(*exp) + leeway) return fail(JwtError::expired);
  if (nbf != claims->end() && now + leeway < as_number(*nbf)) {
    return fail(JwtError::not_yet_valid);
  }
  return JwtVerification{JwtError::none, std::move(*claims)};
}

}  // namespace

std::string jwt_sign_hs256(const nlohmann::json& claims, std::string_view secret) {
  if (!claims.is_object()) throw std::invalid_argument("jwt_sign_hs256: claims must be an object");
  // Written out rather than dumped so the header bytes are fixed.
  static const std::string header = crypto::base64url_encode(R"({"alg":"HS256","typ":"JWT"})");
  std::string token = header + "." + crypto::base64url_encode(claims.dump());
  const std::string signature = crypto::hmac_sha256(secret, token);
  token += ".";
  token += crypto::base64url_encode(signature);
  return token;
}

const char* to_string(JwtError error) {
  switch (error) {
    case JwtError::none:
      return "none";
    case JwtError::malformed:
      return "malformed";
    case JwtError::bad_algorithm:
      return "bad_algorithm";
    case JwtError::bad_signature:
      return "bad_signature";
    case JwtError::expired:
      return "expired";
    case JwtError::not_yet_valid:
      return "not_yet_valid";
  }
  return "unknown";
}

JwtVerification jwt_verify_hs256(std::string_view token, std::string_view secret, std::int64_t now_unix,
                                 std::int64_t leeway_seconds) {
  try {
    return verify(token, secret, now_unix, leeway_seconds);
  } catch (...) {
    // Last line of defence for the "never throws" contract (e.g. bad_alloc).
    return fail(JwtError::malformed);
  }
}

}  // namespace scratch::auth

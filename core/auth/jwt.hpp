// HS256 JSON Web Tokens (RFC 7519 / RFC 7515 compact serialization).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace scratch::auth {

// Header is always {"alg":"HS256","typ":"JWT"}. claims must be a JSON object
// (std::invalid_argument otherwise); nlohmann throws if a string isn't UTF-8.
std::string jwt_sign_hs256(const nlohmann::json& claims, std::string_view secret);

enum class JwtError { none, malformed, bad_algorithm, bad_signature, expired, not_yet_valid };

const char* to_string(JwtError error);

struct JwtVerification {
  JwtError error = JwtError::none;
  nlohmann::json claims;  // only set when ok()
  bool ok() const { return error == JwtError::none; }
};

// Never throws. Requires alg exactly "HS256", a valid signature, an object
// payload with a numeric exp (expired once now >= exp + leeway) and, if
// present, a numeric nbf (not yet valid while now + leeway < nbf).
JwtVerification jwt_verify_hs256(std::string_view token, std::string_view secret, std::int64_t now_unix,
                                 std::int64_t leeway_seconds = 0);

}  // namespace scratch::auth

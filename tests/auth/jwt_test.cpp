// Tests for HS256 JWT signing and verification, including the RFC 7515 A.1 example.
#include "auth/jwt.hpp"

#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"

#include <gtest/gtest.h>

#include <string>

namespace scratch::auth {
namespace {

using nlohmann::json;

const std::string secret = "test-secret-at-least-32-bytes-long!!";
constexpr std::int64_t now = 1'700'000'000;

// Builds a token from raw header/payload text, signed with key, so tests can
// craft headers and payloads that jwt_sign_hs256 would never produce.
std::string make_token(const std::string& header, const std::string& payload, const std::string& key) {
  const std::string input = crypto::base64url_encode(header) + "." + crypto::base64url_encode(payload);
  return input + "." + crypto::base64url_encode(crypto::hmac_sha256(key, input));
}

const std::string hs256_header = R"({"alg":"HS256","typ":"JWT"})";

// RFC 7515 Appendix A.1.
const std::string rfc7515_key_b64url =
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";
const std::string rfc7515_token =
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

TEST(JwtTest, Rfc7515ExampleVerifiesBeforeExpiry) {
  const auto key = crypto::base64url_decode(rfc7515_key_b64url);
  ASSERT_TRUE(key.has_value());
  const auto result = jwt_verify_hs256(rfc7515_token, *key, 1300819379);
  ASSERT_TRUE(result.ok()) << to_string(result.error);
  EXPECT_EQ(result.claims["iss"], "joe");
  EXPECT_EQ(result.claims["exp"], 1300819380);
  EXPECT_EQ(result.claims["http://example.com/is_root"], true);
}

TEST(JwtTest, Rfc7515ExampleIsExpiredAtAndAfterExp) {
  const auto key = crypto::base64url_decode(rfc7515_key_b64url);
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(jwt_verify_hs256(rfc7515_token, *key, 1300819380).error, JwtError::expired);
  EXPECT_EQ(jwt_verify_hs256(rfc7515_token, *key, 1400000000).error, JwtError::expired);
}

TEST(JwtTest, SignThenVerifyRoundTripsClaims) {
  const json claims = {{"sub", "user-42"}, {"exp", now + 60}, {"roles", {"admin"}}};
  const std::string token = jwt_sign_hs256(claims, secret);
  EXPECT_EQ(token.substr(0, token.find('.')), crypto::base64url_encode(R"({"alg":"HS256","typ":"JWT"})"));
  const auto result = jwt_verify_hs256(token, secret, now);
  ASSERT_TRUE(result.ok()) << to_string(result.error);
  EXPECT_EQ(result.claims, claims);
}

TEST(JwtTest, SignRejectsNonObjectClaims) {
  EXPECT_THROW(jwt_sign_hs256(json::array(), secret), std::invalid_argument);
  EXPECT_THROW(jwt_sign_hs256(json("x"), secret), std::invalid_argument);
}

TEST(JwtTest, TamperedPayloadFailsSignature) {
  const std::string token = jwt_sign_hs256({{"sub", "user-42"}, {"exp", now + 60}}, secret);
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  const std::string forged_payload =
      crypto::base64url_encode(json{{"sub", "admin"}, {"exp", now + 60}}.dump());
  const std::string forged = token.substr(0, first + 1) + forged_payload + token.substr(second);
  const auto result = jwt_verify_hs256(forged, secret, now);
  EXPECT_EQ(result.error, JwtError::bad_signature);
  EXPECT_TRUE(result.claims.is_null());
}

TEST(JwtTest, TamperedSignatureFailsSignature) {
  std::string token = jwt_sign_hs256({{"exp", now + 60}}, secret);
  token.back() = token.back() == 'A' ? 'Q' : 'A';  // stays canonical base64url
  EXPECT_EQ(jwt_verify_hs256(token, secret, now).error, JwtError::bad_signature);
}

TEST(JwtTest, WrongSecretFailsSignature) {
  const std::string token = jwt_sign_hs256({{"exp", now + 60}}, secret);
  EXPECT_EQ(jwt_verify_hs256(token, "other-secret", now).error, JwtError::bad_signature);
  EXPECT_EQ(jwt_verify_hs256(token, "", now).error, JwtError::bad_signature);
}

TEST(JwtTest, UnsignedAlgNoneTokenIsBadAlgorithm) {
  const std::string payload = json{{"sub", "admin"}, {"exp", now + 60}}.dump();
  const std::string token = crypto::base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." +
                            crypto::base64url_encode(payload) + ".";
  EXPECT_EQ(jwt_verify_hs256(token, secret, now).error, JwtError::bad_algorithm);
}

TEST(JwtTest, HeadersWithoutExactlyHs256AreBadAlgorithm) {
  const std::string payload = json{{"exp", now + 60}}.dump();
  const std::string headers[] = {
      R"({"alg":"HS512","typ":"JWT"})",
      R"({"alg":"hs256"})",
      R"({"alg":"HS256 "})",
      R"({"alg":"RS256"})",
      R"({"alg":"none"})",
      R"({"alg":["HS256"]})",
      R"({"alg":null})",
      R"({"typ":"JWT"})",
      R"({})",
  };
  for (const auto& header : headers) {
    EXPECT_EQ(jwt_verify_hs256(make_token(header, payload, secret), secret, now).error,
              JwtError::bad_algorithm)
        << header;
  }
}

TEST(JwtTest, CriticalHeaderExtensionsAreRejected) {
  const std::string token =
      make_token(R"({"alg":"HS256","crit":["exp"]})", json{{"exp", now + 60}}.dump(), secret);
  EXPECT_EQ(jwt_verify_hs256(token, secret, now).error, JwtError::malformed);
}

TEST(JwtTest, PayloadWithoutNumericExpIsMalformed) {
  const std::string payloads[] = {
      R"({"sub":"user-42"})",
      R"({"exp":"1700000060"})",
      R"({"exp":null})",
      R"({"exp":true})",
      R"({"exp":1700000060,"nbf":"soon"})",
  };
  for (const auto& payload : payloads) {
    EXPECT_EQ(jwt_verify_hs256(make_token(hs256_header, payload, secret), secret, now).error,
              JwtError::malformed)
        << payload;
  }
}

TEST(JwtTest, PayloadThatIsNotAJsonObjectIsMalformed) {
  for (const std::string payload : {"[1,2]", "42", "\"exp\"", "{not json", "", "null"}) {
    EXPECT_EQ(jwt_verify_hs256(make_token(hs256_header, payload, secret), secret, now).error,
              JwtError::malformed)
        << payload;
  }
}

TEST(JwtTest, AcceptsFractionalAndUnsignedExp) {
  const std::string fractional = make_token(hs256_header, R"({"exp":1700000000.5})", secret);
  EXPECT_TRUE(jwt_verify_hs256(fractional, secret, now).ok());
  EXPECT_EQ(jwt_verify_hs256(fractional, secret, now + 1).error, JwtError::expired);
  const std::string far_future = make_token(hs256_header, R"({"exp":18446744073709551615})", secret);
  EXPECT_TRUE(jwt_verify_hs256(far_future, secret, now).ok());
}

TEST(JwtTest, ExpiresExactlyAtExp) {
  const std::string token = jwt_sign_hs256({{"exp", now}}, secret);
  EXPECT_TRUE(jwt_verify_hs256(token, secret, now - 1).ok());
  EXPECT_EQ(jwt_verify_hs256(token, secret, now).error, JwtError::expired);
}

TEST(JwtTest, NbfInFutureIsNotYetValid) {
  const std::string token = jwt_sign_hs256({{"exp", now + 600}, {"nbf", now + 60}}, secret);
  EXPECT_EQ(jwt_verify_hs256(token, secret, now).error, JwtError::not_yet_valid);
  EXPECT_TRUE(jwt_verify_hs256(token, secret, now + 60).ok());
}

TEST(JwtTest, LeewayToleratesSmallClockSkew) {
  const std::string expired = jwt_sign_hs256({{"exp", now - 10}}, secret);
  EXPECT_EQ(jwt_verify_hs256(expired, secret, now).error, JwtError::expired);
  EXPECT_TRUE(jwt_verify_hs256(expired, secret, now, 30).ok());
  EXPECT_EQ(jwt_verify_hs256(expired, secret, now, 10).error, JwtError::expired);

  const std::string early = jwt_sign_hs256({{"exp", now + 600}, {"nbf", now + 10}}, secret);
  EXPECT_EQ(jwt_verify_hs256(early, secret, now).error, JwtError::not_yet_valid);
  EXPECT_TRUE(jwt_verify_hs256(early, secret, now, 10).ok());
}

TEST(JwtTest, GarbageInputIsMalformedAndNeverThrows) {
  const std::string valid = jwt_sign_hs256({{"exp", now + 60}}, secret);
  const std::string inputs[] = {
      "",
      ".",
      "..",
      "...",
      "a",
      "a.b",
      "a.b.c.d",
      valid + ".",
      "." + valid,
      "!!!.@@@.###",
      "eyJhbGciOiJIUzI1NiJ9.e30.A",  // signature length % 4 == 1
      "eyJhbGciOiJIUzI1NiJ9=.e30.",  // padding
      "bm90IGpzb24.e30.",            // header "not json"
      "WyJIUzI1NiJd.e30.",           // header ["HS256"]
      std::string("\0\0\0", 3),
      valid.substr(0, valid.size() / 2),
      "eyJhbGciOiJIUzI1NiJ9." + std::string(9000, 'A') + ".AAAA",  // over 8 KiB
  };
  for (const auto& token : inputs) {
    EXPECT_NO_THROW({ EXPECT_EQ(jwt_verify_hs256(token, secret, now).error, JwtError::malformed) << token; })
        << token;
  }
}

TEST(JwtTest, OversizedValidlySignedTokenIsMalformed) {
  const std::string token = jwt_sign_hs256({{"exp", now + 60}, {"pad", std::string(8 * 1024, 'x')}}, secret);
  EXPECT_EQ(jwt_verify_hs256(token, secret, now).error, JwtError::malformed);
}

TEST(JwtTest, ErrorsHaveNames) {
  EXPECT_STREQ(to_string(JwtError::none), "none");
  EXPECT_STREQ(to_string(JwtError::malformed), "malformed");
  EXPECT_STREQ(to_string(JwtError::bad_algorithm), "bad_algorithm");
  EXPECT_STREQ(to_string(JwtError::bad_signature), "bad_signature");
  EXPECT_STREQ(to_string(JwtError::expired), "expired");
  EXPECT_STREQ(to_string(JwtError::not_yet_valid), "not_yet_valid");
}

}  // namespace
}  // namespace scratch::auth

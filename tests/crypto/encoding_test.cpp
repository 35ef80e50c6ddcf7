// Tests for base64, base64url and hex codecs against RFC 4648 vectors.
#include "crypto/encoding.hpp"

#include <gtest/gtest.h>

#include <string>

namespace scratch::crypto {
namespace {

struct Base64Vector {
  std::string bytes;
  std::string base64;
  std::string base64url;
};

// RFC 4648 §10.
const Base64Vector rfc4648_vectors[] = {
    {"", "", ""},
    {"f", "Zg==", "Zg"},
    {"fo", "Zm8=", "Zm8"},
    {"foo", "Zm9v", "Zm9v"},
    {"foob", "Zm9vYg==", "Zm9vYg"},
    {"fooba", "Zm9vYmE=", "Zm9vYmE"},
    {"foobar", "Zm9vYmFy", "Zm9vYmFy"},
};

TEST(EncodingTest, Base64MatchesRfc4648Vectors) {
  for (const auto& v : rfc4648_vectors) {
    EXPECT_EQ(base64_encode(v.bytes), v.base64) << v.bytes;
    EXPECT_EQ(base64_decode(v.base64), v.bytes) << v.base64;
  }
}

TEST(EncodingTest, Base64UrlMatchesRfc4648VectorsWithoutPadding) {
  for (const auto& v : rfc4648_vectors) {
    EXPECT_EQ(base64url_encode(v.bytes), v.base64url) << v.bytes;
    EXPECT_EQ(base64url_decode(v.base64url), v.bytes) << v.base64url;
  }
}

TEST(EncodingTest, Base64UrlUsesDashAndUnderscoreForHighBytes) {
  const std::string bytes = "\xfb\xff";
  EXPECT_EQ(base64url_encode(bytes), "-_8");
  EXPECT_EQ(base64url_decode("-_8"), bytes);
  EXPECT_EQ(base64_encode(bytes), "+/8=");
  EXPECT_EQ(base64_decode("+/8="), bytes);
}

TEST(EncodingTest, RoundTripsAllByteValues) {
  std::string bytes;
  for (int i = 0; i < 256; ++i)
    bytes += static_cast<char>(i);
  for (std::size_t len = 0; len <= bytes.size(); len += 37) {
    const std::string slice = bytes.substr(0, len);
    EXPECT_EQ(base64url_decode(base64url_encode(slice)), slice);
    EXPECT_EQ(base64_decode(base64_encode(slice)), slice);
    EXPECT_EQ(hex_decode(hex_encode(slice)), slice);
  }
}

TEST(EncodingTest, Base64UrlRejectsInvalidInput) {
  const std::string invalid[] = {
      "Zg==",                  // padding is not allowed
      "Zm8=",                  // padding is not allowed
      "Z",                     // length % 4 == 1 cannot encode whole bytes
      "Zm9vY",                 // same
      "Zm9v+A",                // standard-alphabet character
      "Zm9v/A",                // standard-alphabet character
      "Zm 9v",                 // whitespace
      "Zh",                    // non-zero trailing bits (canonical form is "Zg")
      std::string("Zg\0", 3),  // embedded NUL
  };
  for (const auto& text : invalid) {
    EXPECT_FALSE(base64url_decode(text).has_value()) << text;
  }
}

TEST(EncodingTest, Base64RejectsInvalidInput) {
  const std::string invalid[] = {
      "Zg",        // missing padding
      "Zg=",       // length not a multiple of 4
      "Zg===",     // too much padding
      "====",      // only padding
      "Z===",      // three padding characters
      "Zg=a",      // data after padding
      "Z=g=",      // padding in the middle
      "Zm9v-_8=",  // url-alphabet characters
      "Zh==",      // non-zero trailing bits
      "Zm9\n",     // whitespace
  };
  for (const auto& text : invalid) {
    EXPECT_FALSE(base64_decode(text).has_value()) << text;
  }
}

TEST(EncodingTest, HexEncodesLowercase) {
  EXPECT_EQ(hex_encode(""), "");
  EXPECT_EQ(hex_encode(std::string("\x00\x01\xab\xff", 4)), "0001abff");
}

TEST(EncodingTest, HexDecodesEitherCase) {
  EXPECT_EQ(hex_decode("0001abff"), std::string("\x00\x01\xab\xff", 4));
  EXPECT_EQ(hex_decode("ABFF"), std::string("\xab\xff"));
}

TEST(EncodingTest, HexRejectsOddLengthAndNonHex) {
  for (const std::string text : {"a", "abc", "zz", "0g", " 0", "0x00", "-1"}) {
    EXPECT_FALSE(hex_decode(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace scratch::crypto

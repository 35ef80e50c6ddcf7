// Tests for SHA-256, HMAC-SHA256 (RFC 4231) and constant-time comparison.
#include "crypto/digest.hpp"

#include "crypto/encoding.hpp"

#include <gtest/gtest.h>

#include <string>

namespace scratch::crypto {
namespace {

TEST(DigestTest, Sha256OfAbcMatchesKnownVector) {
  EXPECT_EQ(hex_encode(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(DigestTest, Sha256OfEmptyInputMatchesKnownVector) {
  EXPECT_EQ(hex_encode(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

struct HmacVector {
  const char* name;
  std::string key;
  std::string data;
  std::string hex_mac;
};

TEST(DigestTest, HmacSha256MatchesRfc4231Vectors) {
  const HmacVector vectors[] = {
      {"test case 1", std::string(20, '\x0b'), "Hi There",
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"test case 2", "Jefe", "what do ya want for nothing?",
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
  };
  for (const auto& v : vectors) {
    const std::string mac = hmac_sha256(v.key, v.data);
    EXPECT_EQ(mac.size(), 32u) << v.name;
    EXPECT_EQ(hex_encode(mac), v.hex_mac) << v.name;
  }
}

TEST(DigestTest, HmacSha256AcceptsEmptyKeyAndData) {
  EXPECT_EQ(hex_encode(hmac_sha256("", "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(DigestTest, ConstantTimeEqualsComparesContentAndLength) {
  EXPECT_TRUE(constant_time_equals("", ""));
  EXPECT_TRUE(constant_time_equals("secret", "secret"));
  EXPECT_FALSE(constant_time_equals("secret", "secreT"));
  EXPECT_FALSE(constant_time_equals("secret", "Secret"));
  EXPECT_FALSE(constant_time_equals("secret", "secret!"));
  EXPECT_FALSE(constant_time_equals("secret", ""));
  EXPECT_TRUE(constant_time_equals(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(constant_time_equals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

}  // namespace
}  // namespace scratch::crypto

// Tests for scrypt derivation (RFC 7914 vectors) and the PasswordHasher string format.
#include "auth/password_hasher.hpp"

#include "crypto/encoding.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace scratch::auth {
namespace {

// Small parameters keep the suite fast; one test below uses the defaults.
const PasswordHasher::Params fast_params{10, 8, 1};

struct ScryptVector {
  std::string password;
  std::string salt;
  std::uint64_t n;
  std::uint32_t r;
  std::uint32_t p;
  std::string hex_key;
};

TEST(ScryptDeriveTest, MatchesRfc7914Vectors) {
  const ScryptVector vectors[] = {
      {"", "", 16, 1, 1,
       "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
       "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"},
      {"password", "NaCl", 1024, 8, 16,
       "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
       "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"},
  };
  for (const auto& v : vectors) {
    EXPECT_EQ(crypto::hex_encode(scrypt_derive(v.password, v.salt, v.n, v.r, v.p, 64)), v.hex_key)
        << "N=" << v.n;
  }
}

TEST(ScryptDeriveTest, RejectsInvalidParameters) {
  EXPECT_THROW(scrypt_derive("pw", "salt", 0, 8, 1, 32), std::invalid_argument);
  EXPECT_THROW(scrypt_derive("pw", "salt", 1, 8, 1, 32), std::invalid_argument);
  EXPECT_THROW(scrypt_derive("pw", "salt", 1000, 8, 1, 32), std::invalid_argument);
  EXPECT_THROW(scrypt_derive("pw", "salt", 1024, 0, 1, 32), std::invalid_argument);
  EXPECT_THROW(scrypt_derive("pw", "salt", 1024, 8, 0, 32), std::invalid_argument);
  EXPECT_THROW(scrypt_derive("pw", "salt", 1024, 8, 1, 0), std::invalid_argument);
}

TEST(ScryptDeriveTest, WorksAboveOpenSslDefaultMemoryCap) {
  // N=2^15, r=8 needs just over 32 MiB, OpenSSL's default maxmem.
  EXPECT_EQ(scrypt_derive("pw", "salt", std::uint64_t{1} << 15, 8, 1, 32).size(), 32u);
}

TEST(PasswordHasherTest, HashHasPhcLikeFormat) {
  const PasswordHasher hasher(fast_params);
  const std::string encoded = hasher.hash("correct horse");
  const std::string prefix = "$scrypt$ln=10,r=8,p=1$";
  ASSERT_EQ(encoded.substr(0, prefix.size()), prefix);
  const std::string rest = encoded.substr(prefix.size());
  const auto dollar = rest.find('$');
  ASSERT_NE(dollar, std::string::npos);
  EXPECT_EQ(crypto::base64url_decode(rest.substr(0, dollar))->size(), 16u);
  EXPECT_EQ(crypto::base64url_decode(rest.substr(dollar + 1))->size(), 32u);
}

TEST(PasswordHasherTest, VerifiesCorrectPassword) {
  const PasswordHasher hasher(fast_params);
  EXPECT_TRUE(hasher.verify("correct horse", hasher.hash("correct horse")));
  EXPECT_TRUE(hasher.verify("", hasher.hash("")));
}

TEST(PasswordHasherTest, RejectsWrongPassword) {
  const PasswordHasher hasher(fast_params);
  const std::string encoded = hasher.hash("correct horse");
  EXPECT_FALSE(hasher.verify("correct horsE", encoded));
  EXPECT_FALSE(hasher.verify("", encoded));
  EXPECT_FALSE(hasher.verify("correct horse ", encoded));
}

TEST(PasswordHasherTest, SamePasswordHashesDifferBecauseOfSalt) {
  const PasswordHasher hasher(fast_params);
  EXPECT_NE(hasher.hash("same"), hasher.hash("same"));
}

TEST(PasswordHasherTest, DefaultParamsRoundTrip) {
  const PasswordHasher hasher;
  const std::string encoded = hasher.hash("correct horse");
  EXPECT_EQ(encoded.substr(0, 22), "$scrypt$ln=15,r=8,p=1$");
  EXPECT_TRUE(hasher.verify("correct horse", encoded));
  EXPECT_FALSE(hasher.verify("wrong", encoded));
}

TEST(PasswordHasherTest, VerifiesUsingParamsStoredInTheHash) {
  const PasswordHasher old_hasher({10, 4, 2});
  const PasswordHasher new_hasher(fast_params);
  EXPECT_TRUE(new_hasher.verify("pw", old_hasher.hash("pw")));
}

TEST(PasswordHasherTest, MalformedStoredValuesReturnFalseWithoutThrowing) {
  const PasswordHasher hasher(fast_params);
  const std::string good = hasher.hash("pw");
  const std::string salt_and_key = good.substr(good.find("$", 8));  // "$<salt>$<key>"
  const std::string malformed[] = {
      "",
      "$",
      "$scrypt$",
      "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
      "$bcrypt$ln=10,r=8,p=1" + salt_and_key,
      "scrypt$ln=10,r=8,p=1" + salt_and_key,
      "$scrypt$ln=40,r=8,p=1" + salt_and_key,    // absurd cost
      "$scrypt$ln=9,r=8,p=1" + salt_and_key,     // below minimum
      "$scrypt$ln=20,r=32,p=16" + salt_and_key,  // each in range, but 4 GiB
      "$scrypt$ln=10,r=0,p=1" + salt_and_key,
      "$scrypt$ln=10,r=8,p=0" + salt_and_key,
      "$scrypt$ln=10,r=8,p=17" + salt_and_key,
      "$scrypt$ln=10,r=33,p=1" + salt_and_key,
      "$scrypt$ln=-10,r=8,p=1" + salt_and_key,
      "$scrypt$ln=99999999999999999999,r=8,p=1" + salt_and_key,
      "$scrypt$ln=10,r=8" + salt_and_key,
      "$scrypt$r=8,ln=10,p=1" + salt_and_key,
      "$scrypt$ln=10,r=8,p=1,x=1" + salt_and_key,
      "$scrypt$ln=10,r=8,p=1$!!!!$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      "$scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$not*base64",
      "$scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      "$scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAA",  // key too short
      "$scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA",       // key missing
      good + "$extra",
      good.substr(0, good.size() - 1),  // truncated key
  };
  for (const auto& encoded : malformed) {
    EXPECT_NO_THROW({ EXPECT_FALSE(hasher.verify("pw", encoded)) << encoded; }) << encoded;
  }
}

TEST(PasswordHasherTest, NeedsRehashWhenParamsDiffer) {
  const PasswordHasher hasher(fast_params);
  const std::string current = hasher.hash("pw");
  EXPECT_FALSE(hasher.needs_rehash(current));
  EXPECT_TRUE(hasher.needs_rehash(PasswordHasher({11, 8, 1}).hash("pw")));
  EXPECT_TRUE(hasher.needs_rehash(PasswordHasher({10, 4, 1}).hash("pw")));
  EXPECT_TRUE(hasher.needs_rehash(PasswordHasher({10, 8, 2}).hash("pw")));
  EXPECT_TRUE(hasher.needs_rehash("garbage"));
}

TEST(PasswordHasherTest, RejectsParamsItCouldNotVerify) {
  EXPECT_THROW(PasswordHasher({9, 8, 1}), std::invalid_argument);
  EXPECT_THROW(PasswordHasher({10, 0, 1}), std::invalid_argument);
  EXPECT_THROW(PasswordHasher({10, 8, 0}), std::invalid_argument);
  EXPECT_THROW(PasswordHasher({20, 32, 1}), std::invalid_argument);
}

TEST(PasswordHasherTest, BurnTimeDoesNotThrow) {
  const PasswordHasher hasher(fast_params);
  EXPECT_NO_THROW(hasher.burn_time());
}

}  // namespace
}  // namespace scratch::auth

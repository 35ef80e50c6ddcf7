// redact_url: what of a URL may appear in logs.
#include "net/redact_url.hpp"

#include <gtest/gtest.h>

namespace scratch::net {
namespace {

TEST(RedactUrl, KeepsSchemeHostPortAndPath) {
  EXPECT_EQ(redact_url("https://api.example.com/v1/items"), "https://api.example.com/v1/items");
  EXPECT_EQ(redact_url("http://127.0.0.1:8080/x/y"), "http://127.0.0.1:8080/x/y");
  EXPECT_EQ(redact_url("https://example.com"), "https://example.com/");
  EXPECT_EQ(redact_url("http://[::1]:9000/p"), "http://[::1]:9000/p");
}

TEST(RedactUrl, DropsQueryFragmentAndUserinfo) {
  EXPECT_EQ(redact_url("https://example.com/search?q=1&api_key=SECRET"), "https://example.com/search");
  EXPECT_EQ(redact_url("https://example.com/p#section"), "https://example.com/p");
  EXPECT_EQ(redact_url("https://user:pass@example.com:8443/p?t=1"), "https://example.com:8443/p");
  EXPECT_EQ(redact_url("https://token@example.com/"), "https://example.com/");
}

TEST(RedactUrl, NormalisesSchemeAndHostCase) {
  EXPECT_EQ(redact_url("HTTPS://example.com/Path"), "https://example.com/Path");
}

TEST(RedactUrl, NeverEchoesAnUnparseableUrl) {
  EXPECT_EQ(redact_url("not a url?secret=1"), "<invalid url>");
  EXPECT_EQ(redact_url(""), "<invalid url>");
  EXPECT_EQ(redact_url("http://exa mple.com/?secret=1"), "<invalid url>");
  EXPECT_EQ(redact_url("http://example.com/a\r\nforged: line"), "<invalid url>");
}

TEST(RedactUrl, KeepsOtherSchemesRecognisable) {
  EXPECT_EQ(redact_url("gopher://u:p@host:70/1?x"), "gopher://host:70/1");
  EXPECT_EQ(redact_url("file:///etc/passwd"), "file:///etc/passwd");
}

}  // namespace
}  // namespace scratch::net

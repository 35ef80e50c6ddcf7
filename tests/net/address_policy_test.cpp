// AddressPolicy: classification of every internal form an SSRF attempt can use, and the allow-list rules.
#include "net/address_policy.hpp"

#include <gtest/gtest.h>

namespace scratch::net {
namespace {

struct ClassCase {
  const char* address;
  AddressClass expected;
};

class Classification : public ::testing::TestWithParam<ClassCase> {};

TEST_P(Classification, ClassifiesAddress) {
  const auto ip = parse_ip(GetParam().address);
  ASSERT_TRUE(ip) << GetParam().address;
  EXPECT_EQ(classify(*ip), GetParam().expected) << GetParam().address << " is " << describe(classify(*ip))
                                                << ", expected " << describe(GetParam().expected);
}

using C = AddressClass;

INSTANTIATE_TEST_SUITE_P(
    Ipv4, Classification,
    ::testing::Values(
        ClassCase{"127.0.0.1", C::loopback}, ClassCase{"127.255.255.254", C::loopback},
        ClassCase{"10.0.0.1", C::private_network}, ClassCase{"10.255.255.255", C::private_network},
        ClassCase{"172.16.0.1", C::private_network}, ClassCase{"172.31.255.255", C::private_network},
        ClassCase{"172.15.255.255", C::public_address}, ClassCase{"172.32.0.0", C::public_address},
        ClassCase{"192.168.1.1", C::private_network}, ClassCase{"198.18.0.1", C::private_network},
        ClassCase{"169.254.0.1", C::link_local}, ClassCase{"169.254.169.254", C::metadata},
        ClassCase{"169.254.170.2", C::metadata}, ClassCase{"100.100.100.200", C::metadata},
        ClassCase{"100.64.0.1", C::shared}, ClassCase{"100.127.255.255", C::shared},
        ClassCase{"100.128.0.0", C::public_address}, ClassCase{"0.0.0.0", C::unspecified},
        ClassCase{"0.1.2.3", C::unspecified}, ClassCase{"224.0.0.1", C::multicast},
        ClassCase{"239.255.255.250", C::multicast}, ClassCase{"255.255.255.255", C::broadcast},
        ClassCase{"240.0.0.1", C::reserved}, ClassCase{"192.0.2.1", C::reserved},
        ClassCase{"198.51.100.7", C::reserved}, ClassCase{"203.0.113.9", C::reserved},
        ClassCase{"192.0.0.8", C::reserved},
        // Public addresses must pass.
        ClassCase{"8.8.8.8", C::public_address}, ClassCase{"1.1.1.1", C::public_address},
        ClassCase{"93.184.216.34", C::public_address}, ClassCase{"11.0.0.1", C::public_address},
        ClassCase{"126.255.255.255", C::public_address}, ClassCase{"128.0.0.1", C::public_address},
        ClassCase{"169.253.255.255", C::public_address}, ClassCase{"192.169.0.1", C::public_address},
        ClassCase{"223.255.255.255", C::public_address}));

INSTANTIATE_TEST_SUITE_P(
    Ipv6, Classification,
    ::testing::Values(
        ClassCase{"::1", C::loopback}, ClassCase{"[::1]", C::loopback}, ClassCase{"::", C::unspecified},
        ClassCase{"fc00::1", C::private_network}, ClassCase{"fd12:3456::1", C::private_network},
        ClassCase{"fec0::1", C::private_network}, ClassCase{"fe80::1", C::link_local},
        ClassCase{"febf::1", C::link_local}, ClassCase{"fd00:ec2::254", C::metadata},
        ClassCase{"ff02::1", C::multicast}, ClassCase{"2001:db8::1", C::reserved},
        ClassCase{"100::1", C::reserved}, ClassCase{"4000::1", C::reserved},
        // IPv4 carried in IPv6 takes the IPv4 address's class.
        ClassCase{"::ffff:127.0.0.1", C::loopback}, ClassCase{"::ffff:7f00:1", C::loopback},
        ClassCase{"::ffff:10.1.2.3", C::private_network}, ClassCase{"::ffff:169.254.169.254", C::metadata},
        ClassCase{"::ffff:0.0.0.0", C::unspecified}, ClassCase{"::127.0.0.1", C::loopback},
        ClassCase{"::192.168.0.1", C::private_network}, ClassCase{"::ffff:0:127.0.0.1", C::loopback},
        ClassCase{"64:ff9b::127.0.0.1", C::loopback}, ClassCase{"64:ff9b::a9fe:a9fe", C::metadata},
        ClassCase{"64:ff9b::10.0.0.1", C::private_network}, ClassCase{"64:ff9b:1::1", C::private_network},
        ClassCase{"2002:7f00:1::", C::loopback}, ClassCase{"2002:c0a8:101::1", C::private_network},
        ClassCase{"2002:a9fe:a9fe::", C::metadata},
        ClassCase{"2001:0:4136:e378:8000:63bf:80ff:fffe", C::loopback},  // Teredo, client ~127.0.0.1
        ClassCase{"::8.8.8.8", C::reserved},                             // deprecated IPv4-compatible form
        // Public addresses must pass.
        ClassCase{"2606:4700:4700::1111", C::public_address},
        ClassCase{"2001:4860:4860::8888", C::public_address}, ClassCase{"::ffff:8.8.8.8", C::public_address},
        ClassCase{"64:ff9b::808:808", C::public_address}, ClassCase{"2002:808:808::1", C::public_address},
        ClassCase{"2a00:1450:4001::200e", C::public_address}));

TEST(ParseIp, AcceptsOnlyStrictForms) {
  // The lenient forms are caught after resolution, where they are ordinary addresses.
  for (const char* text : {"2130706433", "0x7f.1", "0177.0.0.1", "127.1", "localhost", "", "1.2.3.4.5",
                           "::1::", "[::1", "1.2.3.256"}) {
    EXPECT_FALSE(parse_ip(text)) << text;
  }
  EXPECT_EQ(to_string(*parse_ip("[::ffff:127.0.0.1]")), "::ffff:127.0.0.1");
  EXPECT_EQ(to_string(*parse_ip("10.0.0.1")), "10.0.0.1");
}

TEST(LocalhostName, CoversCaseTrailingDotAndSubdomains) {
  for (const char* host : {"localhost", "LOCALHOST.", "LocalHost", "api.localhost", "x.y.localhost."}) {
    EXPECT_TRUE(is_localhost_name(host)) << host;
  }
  for (const char* host :
       {"localhost.example.com", "notlocalhost", "localhostx", "example.com", ".localhost"})
    EXPECT_FALSE(is_localhost_name(host)) << host;
}

TEST(AddressPolicy, RefusesInternalAndNamesHostAndReason) {
  const AddressPolicy policy;
  EXPECT_EQ(policy.check("127.0.0.1", 80, "127.0.0.1"),
            "127.0.0.1 is a loopback address; the operator can allow it with SCRATCH_LUA_ALLOWED_HOSTS");
  EXPECT_EQ(policy.check("internal.example.com", 443, "10.1.2.3"),
            "internal.example.com (10.1.2.3) is a private-network address; the operator can allow it with "
            "SCRATCH_LUA_ALLOWED_HOSTS");
  EXPECT_EQ(policy.check("[::1]", 80, "::1"),
            "::1 is a loopback address; the operator can allow it with SCRATCH_LUA_ALLOWED_HOSTS");
  EXPECT_TRUE(
      policy.check("169.254.169.254", 80, "169.254.169.254")->starts_with("169.254.169.254 is a cloud"));
  EXPECT_FALSE(policy.check("example.com", 443, "93.184.216.34"));
  EXPECT_FALSE(policy.check("example.com", 443, "2606:2800:220:1:248:1893:25c8:1946"));
  EXPECT_TRUE(policy.check("example.com", 443, "not an address"));
}

TEST(AddressPolicy, LocalhostNamesAreLoopbackWhateverTheyResolveTo) {
  const AddressPolicy policy;
  EXPECT_TRUE(policy.check("localhost", 80, "8.8.8.8"));
  EXPECT_TRUE(policy.check("evil.localhost.", 80, "8.8.8.8"));
}

TEST(AddressPolicy, SettingNameIsConfigurable) {
  AddressPolicy policy;
  policy.setting_name = "SOMETHING_ELSE";
  EXPECT_TRUE(policy.check("10.0.0.1", 80, "10.0.0.1")->ends_with("allow it with SOMETHING_ELSE"));
}

TEST(AddressPolicy, AllowPrivateLetsInternalNetworksButNotMetadataOrOddAddresses) {
  const AddressPolicy policy{.allow_private = true};
  for (const char* ok : {"127.0.0.1", "::1", "10.0.0.1", "172.20.0.1", "192.168.0.10", "100.64.1.1",
                         "169.254.10.10", "fe80::1", "fd00::1", "::ffff:10.0.0.1"}) {
    EXPECT_FALSE(policy.check(ok, 80, ok)) << ok;
  }
  for (const char* refused : {"169.254.169.254", "fd00:ec2::254", "::ffff:169.254.169.254", "0.0.0.0",
                              "::", "224.0.0.1", "255.255.255.255", "240.0.0.1", "2001:db8::1"}) {
    EXPECT_TRUE(policy.check(refused, 80, refused)) << refused;
  }
}

TEST(AddressPolicy, AllowedHostNamesMatchTheUrlHost) {
  const AddressPolicy policy{.allowed_hosts = {"localhost", "api.internal:8443"}};
  EXPECT_FALSE(policy.check("localhost", 1234, "127.0.0.1"));
  EXPECT_FALSE(policy.check("LOCALHOST.", 1234, "::1"));
  EXPECT_FALSE(policy.check("api.internal", 8443, "10.0.0.5"));
  EXPECT_TRUE(policy.check("api.internal", 443, "10.0.0.5"));   // other port
  EXPECT_TRUE(policy.check("x.localhost", 1234, "127.0.0.1"));  // exact names only
  EXPECT_TRUE(policy.check("127.0.0.1", 1234, "127.0.0.1"));    // a name entry does not allow the address
}

TEST(AddressPolicy, AllowedIpLiteralsMatchTheResolvedAddress) {
  const AddressPolicy policy{.allowed_hosts = {"127.0.0.1:8081", "[::1]:9000", "169.254.169.254"}};
  EXPECT_FALSE(policy.check("127.0.0.1", 8081, "127.0.0.1"));
  EXPECT_FALSE(policy.check("2130706433", 8081, "127.0.0.1"));  // any spelling of the same address
  EXPECT_FALSE(policy.check("localhost", 8081, "127.0.0.1"));
  EXPECT_FALSE(policy.check("127.0.0.1", 8081, "::ffff:127.0.0.1"));
  EXPECT_TRUE(policy.check("127.0.0.1", 8082, "127.0.0.1"));
  EXPECT_TRUE(policy.check("127.0.0.2", 8081, "127.0.0.2"));
  EXPECT_FALSE(policy.check("[::1]", 9000, "::1"));
  EXPECT_TRUE(policy.check("[::1]", 9001, "::1"));
  EXPECT_FALSE(policy.check("169.254.169.254", 80, "169.254.169.254"));  // the operator's word wins
}

TEST(AddressPolicy, MalformedAllowedEntriesAreReportedAndMatchNothing) {
  for (const char* bad : {"", " ", "host:", "host:0", "host:65536", "host:http", "[::1", "[127.0.0.1]:80",
                          "[::1]x", "a b", "1:2:3:zz", "host/path"}) {
    EXPECT_TRUE(validate_allowed_host(bad)) << '"' << bad << '"';
  }
  for (const char* good :
       {"localhost", "127.0.0.1:8081", "[::1]:8081", "::1", "api.example.com:443", " padded.example.com "}) {
    EXPECT_FALSE(validate_allowed_host(good)) << good;
  }
  const AddressPolicy policy{.allowed_hosts = {"127.0.0.1:http"}};
  EXPECT_TRUE(policy.check("127.0.0.1", 80, "127.0.0.1"));
}

}  // namespace
}  // namespace scratch::net

// HttpClient with an AddressPolicy, against the scripted server on 127.0.0.1: every loopback spelling is
// refused before anything is sent, the operator's exceptions let requests through, redirects are not
// followed, proxies from the environment are not used, and calls without a policy behave as before.
// Only loopback is ever contacted: private and metadata addresses are checked without a connection.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/un.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <sstream>
#include <variant>

#include "net/address_guard.hpp"
#include "net/http_client.hpp"
#include "net/test_http_server.hpp"

namespace scratch::net {
namespace {

using namespace std::chrono_literals;
using test::TestHttpServer;

HttpClientOptions fast_options() {
  HttpClientOptions o;
  o.base_backoff = 10ms;
  o.max_backoff = 50ms;
  return o;
}

std::string describe(const HttpOutcome& out) {
  if (out.error) return out.error->code + ": " + out.error->message;
  return "status " + std::to_string(out.response->status);
}

// Sets an environment variable for the lifetime of the object, then restores it.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) previous_ = old;
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (previous_)
      setenv(name_, previous_->c_str(), 1);
    else
      unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> previous_;
};

class GuardedClient : public ::testing::Test {
 protected:
  HttpOutcome get(const std::string& host, const AddressPolicy& policy) {
    return client.send({.url = "http://" + host + ":" + port() + "/secret", .timeout = 5000ms},
                       {.log_tag = "lua", .address_policy = &policy});
  }
  std::string port() const { return std::to_string(server.port()); }

  TestHttpServer server;
  const HttpClient client{fast_options()};
};

TEST_F(GuardedClient, RefusesEverySpellingOfLoopbackBeforeSending) {
  const AddressPolicy policy;
  for (const char* host : {"127.0.0.1", "localhost", "LOCALHOST.", "api.localhost", "2130706433", "0x7f.1",
                           "0177.0.0.1", "127.1", "127.0.0.2", "0.0.0.0", "0", "[::1]", "[::ffff:127.0.0.1]",
                           "[::ffff:7f00:1]", "[::127.0.0.1]"}) {
    const HttpOutcome out = get(host, policy);
    ASSERT_TRUE(out.error) << host << ": " << describe(out);
    EXPECT_EQ(out.error->code, "address_refused") << host << ": " << out.error->message;
    EXPECT_FALSE(out.error->retryable) << host;
    EXPECT_NE(out.error->message.find("SCRATCH_LUA_ALLOWED_HOSTS"), std::string::npos) << out.error->message;
    EXPECT_EQ(out.error->message.find("/secret"), std::string::npos) << "the message names the host only";
  }
  EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(GuardedClient, RefusalMessageNamesHostAndReason) {
  const AddressPolicy policy;
  EXPECT_EQ(get("127.0.0.1", policy).error->message,
            "127.0.0.1 is a loopback address; the operator can allow it with SCRATCH_LUA_ALLOWED_HOSTS");
  EXPECT_EQ(get("localhost", policy).error->message,
            "localhost (127.0.0.1) is a loopback address; the operator can allow it with "
            "SCRATCH_LUA_ALLOWED_HOSTS");
  EXPECT_EQ(get("0.0.0.0", policy).error->message,
            "0.0.0.0 is an unspecified address; the operator can allow it with SCRATCH_LUA_ALLOWED_HOSTS");
}

TEST_F(GuardedClient, RefusalIsLoggedOnceWithTheRedactedUrlAndNotRetried) {
  std::ostringstream stream;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(stream);
  const auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
  const AddressPolicy policy;
  const HttpOutcome out = client.send({.url = "http://user:SECRET@127.0.0.1:" + port() + "/x?token=SECRET2"},
                                      {.log_tag = "lua", .address_policy = &policy});
  spdlog::set_default_logger(previous);

  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->code, "address_refused");
  const std::string log = stream.str();
  EXPECT_NE(log.find("tag=lua GET http://127.0.0.1:" + port() + "/x error=address_refused"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("attempt=1"), std::string::npos) << log;
  EXPECT_EQ(log.find("attempt=2"), std::string::npos) << log;
  EXPECT_EQ(log.find("SECRET"), std::string::npos) << log;
}

TEST_F(GuardedClient, AllowedHostPortLetsTheRequestThrough) {
  const AddressPolicy by_address{.allowed_hosts = {"127.0.0.1:" + port()}};
  for (const char* host : {"127.0.0.1", "2130706433", "0x7f.1", "127.1"}) {
    const HttpOutcome out = get(host, by_address);
    ASSERT_TRUE(out.response) << host << ": " << describe(out);
    EXPECT_EQ(out.response->status, 200);
  }
  // localhost is also ::1, which the entry does not cover: every address of a name must pass.
  const HttpOutcome partly = get("localhost", by_address);
  ASSERT_TRUE(partly.error) << describe(partly);
  EXPECT_EQ(
      partly.error->message,
      "localhost (::1) is a loopback address; the operator can allow it with SCRATCH_LUA_ALLOWED_HOSTS");

  const AddressPolicy by_name{.allowed_hosts = {"localhost:" + port()}};
  for (const char* host : {"localhost", "LOCALHOST."}) {
    const HttpOutcome named = get(host, by_name);
    ASSERT_TRUE(named.response) << host << ": " << describe(named);
  }
  EXPECT_EQ(get("127.0.0.1", by_name).error->code, "address_refused");  // a name does not allow the address
  EXPECT_EQ(server.request_count(), 6u);
}

TEST_F(GuardedClient, AllowedHostWithAnotherPortIsRefused) {
  const AddressPolicy policy{.allowed_hosts = {"127.0.0.1:1", "localhost:1"}};
  EXPECT_EQ(get("127.0.0.1", policy).error->code, "address_refused");
  EXPECT_EQ(get("localhost", policy).error->code, "address_refused");
  EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(GuardedClient, AllowPrivateLetsLoopbackThrough) {
  const AddressPolicy policy{.allow_private = true};
  const HttpOutcome out = get("127.0.0.1", policy);
  ASSERT_TRUE(out.response) << describe(out);
  EXPECT_EQ(out.response->status, 200);
  // Still no unspecified address: 0.0.0.0 is never an API endpoint.
  EXPECT_EQ(get("0.0.0.0", policy).error->code, "address_refused");
}

TEST_F(GuardedClient, RedirectToLoopbackIsReturnedNotFollowed) {
  server.enqueue({.status = 302, .headers = {{"Location", "http://127.0.0.1:" + port() + "/internal"}}});
  server.enqueue({.status = 302, .headers = {{"Location", "http://localhost:" + port() + "/internal"}}});
  const AddressPolicy policy{.allowed_hosts = {"127.0.0.1:" + port()}};
  for (int i = 0; i < 2; ++i) {
    const HttpOutcome out = get("127.0.0.1", policy);
    ASSERT_TRUE(out.response) << describe(out);
    EXPECT_EQ(out.response->status, 302);
  }
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].target, "/secret");
  EXPECT_EQ(requests[1].target, "/secret");
}

TEST_F(GuardedClient, OnlyHttpAndHttpsSchemes) {
  const AddressPolicy policy{.allow_private = true};
  for (const std::string& url :
       std::vector<std::string>{"file:///etc/passwd", "gopher://127.0.0.1:" + port() + "/_x",
                                "ftp://127.0.0.1:" + port() + "/", "dict://127.0.0.1:" + port() + "/"}) {
    const HttpOutcome out = client.send({.url = url}, {.address_policy = &policy});
    ASSERT_TRUE(out.error) << url;
    EXPECT_EQ(out.error->code, "invalid_request") << url;
  }
  EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(GuardedClient, ProxyFromTheEnvironmentIsNotUsed) {
  TestHttpServer proxy;
  const ScopedEnv env("http_proxy", proxy.url());
  // TestHttpServer sets no_proxy=* (and NO_PROXY) for the other tests; curl reads "" as unset.
  const ScopedEnv no_bypass("no_proxy", ""), no_bypass_upper("NO_PROXY", "");
  // Without a policy curl honours http_proxy: this proves the variable is seen at all.
  ASSERT_TRUE(client.send({.url = server.url()}).response);
  EXPECT_EQ(proxy.request_count(), 1u);

  const AddressPolicy policy{.allowed_hosts = {"127.0.0.1:" + port()}};
  const HttpOutcome out = get("127.0.0.1", policy);
  ASSERT_TRUE(out.response) << describe(out);
  EXPECT_EQ(server.request_count(), 1u);
  EXPECT_EQ(proxy.request_count(), 1u);
}

TEST_F(GuardedClient, WithoutAPolicyNothingChanges) {
  const HttpOutcome out = client.send({.url = "http://localhost:" + port() + "/"});
  ASSERT_TRUE(out.response) << describe(out);
  EXPECT_EQ(out.response->status, 200);
}

// Private and metadata literals are checked without any connection: no traffic leaves loopback.
TEST(ResolveAndCheck, RefusesInternalLiteralsWithoutConnecting) {
  const AddressPolicy policy;
  for (const char* url :
       {"http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://192.168.1.1/",
        "http://172.16.0.1/", "http://100.64.0.1/", "http://[fd00:ec2::254]/", "http://[fe80::1]/",
        "http://[::ffff:169.254.169.254]/", "https://0xa9fea9fe/", "http://[64:ff9b::a9fe:a9fe]/",
        "http://224.0.0.1/", "http://255.255.255.255/"}) {
    const auto result = resolve_and_check(url, policy);
    const auto* error = std::get_if<HttpError>(&result);
    ASSERT_TRUE(error) << url;
    EXPECT_EQ(error->code, "address_refused") << url << ": " << error->message;
  }
  const auto metadata = std::get<HttpError>(resolve_and_check("http://169.254.169.254/", policy));
  EXPECT_EQ(metadata.message,
            "169.254.169.254 is a cloud metadata address; the operator can allow it with "
            "SCRATCH_LUA_ALLOWED_HOSTS");
}

TEST(ResolveAndCheck, PinsNamesToTheCheckedAddresses) {
  const AddressPolicy policy{.allowed_hosts = {"localhost"}};
  const auto target = std::get<GuardedTarget>(resolve_and_check("http://localhost:8081/x", policy));
  EXPECT_EQ(target.host, "localhost");
  EXPECT_EQ(target.port, 8081);
  EXPECT_EQ(target.resolve, "localhost:8081:127.0.0.1,[::1]");

  const AddressPolicy open{.allow_private = true};
  const auto literal = std::get<GuardedTarget>(resolve_and_check("https://127.0.0.1/", open));
  EXPECT_EQ(literal.port, 443);
  EXPECT_FALSE(literal.resolve);  // curl does not resolve literals: nothing to pin
}

// The connect-time layer alone, as if DNS had answered the pre-check with a public address and curl with
// 127.0.0.1 (rebinding): the pin below stands in for curl's second answer, so no DNS is involved.
TEST(ConnectGuard, RefusesAtConnectTimeWhateverTheNameResolvedTo) {
  TestHttpServer server;
  const std::string port = std::to_string(server.port());
  const auto transfer = [&](const AddressPolicy& policy, ConnectGuard& guard) {
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> pin(
        curl_slist_append(nullptr, ("rebound.example:" + port + ":127.0.0.1").c_str()), curl_slist_free_all);
    guard.policy = &policy;
    guard.host = "rebound.example";
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> easy(curl_easy_init(), curl_easy_cleanup);
    curl_easy_setopt(easy.get(), CURLOPT_URL, ("http://rebound.example:" + port + "/").c_str());
    curl_easy_setopt(
        easy.get(), CURLOPT_WRITEFUNCTION, +[](char*, size_t s, size_t n, void*) { return s * n; });
    install_guard(easy.get(), guard, pin.get());
    return curl_easy_perform(easy.get());
  };

  const AddressPolicy strict;
  ConnectGuard refused;
  EXPECT_EQ(transfer(strict, refused), CURLE_COULDNT_CONNECT);
  EXPECT_EQ(refused.refusal,
            "rebound.example (127.0.0.1) is a loopback address; the operator can allow it with "
            "SCRATCH_LUA_ALLOWED_HOSTS");
  EXPECT_EQ(server.request_count(), 0u);

  const AddressPolicy allowing{.allowed_hosts = {"rebound.example:" + port}};
  ConnectGuard allowed;
  EXPECT_EQ(transfer(allowing, allowed), CURLE_OK);
  EXPECT_FALSE(allowed.refusal);
  EXPECT_EQ(server.request_count(), 1u);
}

TEST(CheckSocketAddress, ChecksThePeerCurlIsAboutToConnectTo) {
  const AddressPolicy policy{.allowed_hosts = {"127.0.0.1:8081"}};
  sockaddr_in in{};
  in.sin_family = AF_INET;
  in.sin_port = htons(8081);
  inet_pton(AF_INET, "127.0.0.1", &in.sin_addr);
  const auto* address = reinterpret_cast<const sockaddr*>(&in);
  EXPECT_FALSE(check_socket_address(policy, "example.com", address, sizeof in));
  in.sin_port = htons(8082);
  EXPECT_EQ(check_socket_address(policy, "example.com", address, sizeof in),
            "example.com (127.0.0.1) is a loopback address; the operator can allow it with "
            "SCRATCH_LUA_ALLOWED_HOSTS");

  sockaddr_in6 in6{};
  in6.sin6_family = AF_INET6;
  in6.sin6_port = htons(80);
  inet_pton(AF_INET6, "::ffff:10.0.0.1", &in6.sin6_addr);
  EXPECT_TRUE(
      check_socket_address(policy, "[::ffff:a00:1]", reinterpret_cast<const sockaddr*>(&in6), sizeof in6));
  inet_pton(AF_INET6, "2606:4700:4700::1111", &in6.sin6_addr);
  EXPECT_FALSE(check_socket_address(policy, "one.one", reinterpret_cast<const sockaddr*>(&in6), sizeof in6));

  sockaddr_un un{};
  un.sun_family = AF_UNIX;
  EXPECT_TRUE(check_socket_address(policy, "example.com", reinterpret_cast<const sockaddr*>(&un), sizeof un));
}

}  // namespace
}  // namespace scratch::net

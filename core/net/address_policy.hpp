// Which network addresses outbound requests made for untrusted code (AI-written Lua connectors) may reach.
// A script that can make the server fetch http://127.0.0.1:5432/ or the cloud metadata service at
// 169.254.169.254 can read or poke at what only the server should see (SSRF); this file says which
// addresses are internal, and AddressPolicy decides, per resolved address, whether a request may go there.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scratch::net {

// An IPv4 or IPv6 address in network byte order (IPv4 uses the first 4 bytes).
struct IpAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};

  bool operator==(const IpAddress&) const = default;
};

// Only the strict textual forms (inet_pton), optionally in brackets: "10.0.0.1", "::1", "[::1]". The
// lenient forms libc and curl also accept (2130706433, 0x7f.1, 127.1) are deliberately not parsed here:
// the guard classifies the address a name resolved or a socket connects to, never the URL text.
std::optional<IpAddress> parse_ip(std::string_view text);
std::string to_string(const IpAddress& ip);  // "127.0.0.1", "::ffff:127.0.0.1"

enum class AddressClass {
  public_address,
  loopback,         // 127/8, ::1
  private_network,  // 10/8, 172.16/12, 192.168/16, 198.18/15 (benchmarking), fc00::/7, fec0::/10
  shared,           // 100.64/10 (carrier-grade NAT)
  link_local,       // 169.254/16, fe80::/10
  metadata,         // cloud instance metadata: 169.254.169.254, 169.254.170.2, 100.100.100.200, fd00:ec2::254
  unspecified,      // 0/8, :: (connecting to 0.0.0.0 reaches this host on Linux)
  multicast,        // 224/4, ff00::/8
  broadcast,        // 255.255.255.255
  reserved,         // 240/4, documentation, IETF protocol assignments, 6to4 relay, discard-only 100::/64
};

// IPv6 forms that carry an IPv4 address (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, SIIT
// ::ffff:0:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16, Teredo 2001::/32 client) take the class of the
// IPv4 address they carry when that one is not public: the kernel or a gateway may deliver them there.
AddressClass classify(const IpAddress& ip);
std::string_view describe(AddressClass c);  // "a loopback address", "a public address", ...

// Internal only by name: "localhost" and "*.localhost" (RFC 6761), with or without the trailing dot, in
// any case. curl answers these itself without asking DNS, so they are loopback whatever DNS would say.
bool is_localhost_name(std::string_view host);

struct AddressPolicy {
  // Lets loopback, private, shared (CGNAT) and link-local addresses through, for self-hosted setups whose
  // services live on the internal network. Metadata, unspecified, multicast, broadcast and reserved
  // addresses stay refused: they are never a legitimate API endpoint.
  bool allow_private = false;
  // Exceptions named by the operator, each "host" or "host:port" ("localhost", "127.0.0.1:8081",
  // "[::1]:8081", "::1", "api.internal:443"). A name matches the URL's host (case-insensitive, trailing
  // dot ignored); an IP literal matches the address actually resolved/connected to, whatever form the
  // URL used for it. Without a port, any port matches. An entry overrides every class, metadata too.
  // The HTTP client requires every address of a name to pass, so "127.0.0.1:8081" does not let
  // "localhost:8081" through (localhost is ::1 as well): allow the name for that.
  std::vector<std::string> allowed_hosts{};
  // Named in refusals so that the operator knows how to allow an address.
  std::string setting_name = "SCRATCH_LUA_ALLOWED_HOSTS";

  // Whether a request for `host` (the URL's host, as curl parsed it) may reach `resolved` on `port`.
  // Returns nullopt when allowed, else a message naming the host and the reason, e.g. "127.0.0.1 is a
  // loopback address; the operator can allow it with SCRATCH_LUA_ALLOWED_HOSTS".
  std::optional<std::string> check(std::string_view host, int port, const IpAddress& resolved) const;
  // The same with the address as text; an address that does not parse is refused.
  std::optional<std::string> check(std::string_view host, int port, std::string_view resolved_ip) const;
};

// Why an allowed_hosts entry is malformed (for the configuration layer to report), or nullopt.
std::optional<std::string> validate_allowed_host(std::string_view entry);

}  // namespace scratch::net

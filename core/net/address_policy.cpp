// Address classification by prefix tables (IANA special-purpose registries) and the allow-list matching.
#include "net/address_policy.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace scratch::net {
namespace {

struct V4Range {
  std::uint32_t base;
  int prefix;
  AddressClass cls;
};

constexpr std::uint32_t v4(unsigned a, unsigned b, unsigned c, unsigned d) {
  return (a << 24) | (b << 16) | (c << 8) | d;
}

// Most specific first: the first match wins, so the metadata hosts precede the ranges that contain them.
constexpr V4Range v4_ranges[] = {
    {v4(169, 254, 169, 254), 32, AddressClass::metadata},  // AWS, GCP, Azure, OpenStack, Oracle...
    {v4(169, 254, 170, 2), 32, AddressClass::metadata},    // AWS ECS task metadata
    {v4(100, 100, 100, 200), 32, AddressClass::metadata},  // Alibaba Cloud
    {v4(255, 255, 255, 255), 32, AddressClass::broadcast},
    {v4(0, 0, 0, 0), 8, AddressClass::unspecified},
    {v4(10, 0, 0, 0), 8, AddressClass::private_network},
    {v4(100, 64, 0, 0), 10, AddressClass::shared},
    {v4(127, 0, 0, 0), 8, AddressClass::loopback},
    {v4(169, 254, 0, 0), 16, AddressClass::link_local},
    {v4(172, 16, 0, 0), 12, AddressClass::private_network},
    {v4(192, 0, 0, 0), 24, AddressClass::reserved},    // IETF protocol assignments
    {v4(192, 0, 2, 0), 24, AddressClass::reserved},    // documentation (TEST-NET-1)
    {v4(192, 88, 99, 0), 24, AddressClass::reserved},  // former 6to4 relay anycast
    {v4(192, 168, 0, 0), 16, AddressClass::private_network},
    {v4(198, 18, 0, 0), 15, AddressClass::private_network},  // benchmarking, used as internal space
    {v4(198, 51, 100, 0), 24, AddressClass::reserved},       // documentation (TEST-NET-2)
    {v4(203, 0, 113, 0), 24, AddressClass::reserved},        // documentation (TEST-NET-3)
    {v4(224, 0, 0, 0), 4, AddressClass::multicast},
    {v4(240, 0, 0, 0), 4, AddressClass::reserved},
};

AddressClass classify_v4(std::uint32_t a) {
  for (const auto& r : v4_ranges) {
    const std::uint32_t mask = r.prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - r.prefix);
    if ((a & mask) == (r.base & mask)) return r.cls;
  }
  return AddressClass::public_address;
}

std::uint32_t v4_at(const std::array<std::uint8_t, 16>& b, int at) {
  return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) | (std::uint32_t{b[at + 2]} << 8) |
         b[at + 3];
}

bool starts_with(const std::array<std::uint8_t, 16>& b, std::initializer_list<std::uint8_t> prefix) {
  return std::equal(prefix.begin(), prefix.end(), b.begin());
}

bool all_zero(const std::array<std::uint8_t, 16>& b, int from, int to) {
  return std::all_of(b.begin() + from, b.begin() + to, [](std::uint8_t x) { return x == 0; });
}

// The IPv4 address an IPv6 form carries, if any; `deprecated` marks forms with no legitimate use today.
struct Embedded {
  std::uint32_t address;
  bool deprecated;
};

std::optional<Embedded> embedded_v4(const std::array<std::uint8_t, 16>& b) {
  if (all_zero(b, 0, 10) && b[10] == 0xff && b[11] == 0xff) return Embedded{v4_at(b, 12), false};  // mapped
  if (all_zero(b, 0, 8) && b[8] == 0xff && b[9] == 0xff && all_zero(b, 10, 12))
    return Embedded{v4_at(b, 12), true};                        // SIIT
  if (all_zero(b, 0, 12)) return Embedded{v4_at(b, 12), true};  // compatible
  if (starts_with(b, {0, 0x64, 0xff, 0x9b}) && all_zero(b, 4, 12))
    return Embedded{v4_at(b, 12), false};                                         // NAT64
  if (starts_with(b, {0x20, 0x02})) return Embedded{v4_at(b, 2), false};          // 6to4
  if (starts_with(b, {0x20, 0x01, 0, 0})) return Embedded{~v4_at(b, 12), false};  // Teredo client, obfuscated
  return std::nullopt;
}

AddressClass classify_v6(const std::array<std::uint8_t, 16>& b) {
  if (all_zero(b, 0, 16)) return AddressClass::unspecified;
  if (all_zero(b, 0, 15) && b[15] == 1) return AddressClass::loopback;
  if (const auto e = embedded_v4(b)) {
    const AddressClass inner = classify_v4(e->address);
    if (inner != AddressClass::public_address) return inner;
    return e->deprecated ? AddressClass::reserved : AddressClass::public_address;
  }
  static constexpr std::array<std::uint8_t, 16> aws_metadata{0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0,    0,
                                                             0,    0,    0,    0,    0, 0, 0x02, 0x54};
  if (b == aws_metadata) return AddressClass::metadata;
  if (starts_with(b, {0, 0x64, 0xff, 0x9b, 0, 1})) return AddressClass::private_network;  // local NAT64
  if (starts_with(b, {0x01, 0x00}) && all_zero(b, 2, 8)) return AddressClass::reserved;   // discard-only
  if (starts_with(b, {0x20, 0x01, 0x0d, 0xb8})) return AddressClass::reserved;            // documentation
  if ((b[0] & 0xfe) == 0xfc) return AddressClass::private_network;                        // fc00::/7
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return AddressClass::link_local;             // fe80::/10
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return AddressClass::private_network;        // site-local
  if (b[0] == 0xff) return AddressClass::multicast;
  // Only 2000::/3 is allocated for global unicast; anything else cannot be a real service.
  if ((b[0] & 0xe0) != 0x20) return AddressClass::reserved;
  return AddressClass::public_address;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// The form host names are compared in: lower case, no brackets, no trailing dot.
std::string normalize_host(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.size() > 1 && host.back() == '.') host.remove_suffix(1);
  return lower(host);
}

// An IPv4-mapped IPv6 address is the same peer as the IPv4 address: compare them as IPv4.
IpAddress canonical(const IpAddress& ip) {
  if (!ip.v6 || !(all_zero(ip.bytes, 0, 10) && ip.bytes[10] == 0xff && ip.bytes[11] == 0xff)) return ip;
  IpAddress out;
  std::copy(ip.bytes.begin() + 12, ip.bytes.end(), out.bytes.begin());
  return out;
}

struct AllowedEntry {
  std::string host;             // normalized
  std::optional<IpAddress> ip;  // set when host is an IP literal
  int port = 0;                 // 0: any
};

std::optional<int> parse_port(std::string_view text) {
  int port = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (ec != std::errc() || end != text.data() + text.size() || port < 1 || port > 65535) return std::nullopt;
  return port;
}

std::optional<AllowedEntry> parse_entry(std::string_view entry, std::string* why = nullptr) {
  const auto fail = [&](std::string reason) -> std::optional<AllowedEntry> {
    if (why) *why = std::move(reason);
    return std::nullopt;
  };
  while (!entry.empty() && std::isspace(static_cast<unsigned char>(entry.front())))
    entry.remove_prefix(1);
  while (!entry.empty() && std::isspace(static_cast<unsigned char>(entry.back())))
    entry.remove_suffix(1);
  if (entry.empty()) return fail("empty entry");

  std::string_view host = entry;
  std::string_view port_text;
  if (entry.front() == '[') {
    const auto close = entry.find(']');
    if (close == std::string_view::npos) return fail("missing ']'");
    host = entry.substr(1, close - 1);
    const std::string_view rest = entry.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return fail("unexpected text after ']'");
      port_text = rest.substr(1);
    }
    if (!parse_ip(host) || !parse_ip(host)->v6) return fail("brackets must hold an IPv6 address");
  } else if (std::count(entry.begin(), entry.end(), ':') == 1) {
    const auto colon = entry.find(':');
    host = entry.substr(0, colon);
    port_text = entry.substr(colon + 1);
  } else if (entry.find(':') != std::string_view::npos && !parse_ip(entry)) {
    return fail("not an IPv6 address (write [address]:port for one with a port)");
  }
  if (host.empty()) return fail("no host");
  if (!std::all_of(host.begin(), host.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == ':';
      })) {
    return fail("the host contains characters a host name cannot have");
  }
  AllowedEntry out{normalize_host(host), parse_ip(host), 0};
  if (!port_text.empty() || entry.back() == ':') {
    const auto port = parse_port(port_text);
    if (!port) return fail("the port must be a number from 1 to 65535");
    out.port = *port;
  }
  return out;
}

bool matches(const AllowedEntry& entry, const std::string& host, int port, const IpAddress& resolved) {
  if (entry.port != 0 && entry.port != port) return false;
  if (entry.ip) return canonical(*entry.ip) == canonical(resolved);
  return entry.host == host;
}

}  // namespace

std::optional<IpAddress> parse_ip(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  if (text.empty() || text.size() >= 64) return std::nullopt;
  const std::string s(text);
  IpAddress ip;
  if (inet_pton(AF_INET, s.c_str(), ip.bytes.data()) == 1) return ip;
  ip.v6 = true;
  if (inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) == 1) return ip;
  return std::nullopt;
}

std::string to_string(const IpAddress& ip) {
  char buffer[INET6_ADDRSTRLEN] = {};
  if (!inet_ntop(ip.v6 ? AF_INET6 : AF_INET, ip.bytes.data(), buffer, sizeof buffer)) return "?";
  return buffer;
}

AddressClass classify(const IpAddress& ip) {
  return ip.v6 ? classify_v6(ip.bytes) : classify_v4(v4_at(ip.bytes, 0));
}

std::string_view describe(AddressClass c) {
  switch (c) {
    case AddressClass::public_address:
      return "a public address";
    case AddressClass::loopback:
      return "a loopback address";
    case AddressClass::private_network:
      return "a private-network address";
    case AddressClass::shared:
      return "a carrier-grade NAT (shared) address";
    case AddressClass::link_local:
      return "a link-local address";
    case AddressClass::metadata:
      return "a cloud metadata address";
    case AddressClass::unspecified:
      return "an unspecified address";
    case AddressClass::multicast:
      return "a multicast address";
    case AddressClass::broadcast:
      return "a broadcast address";
    case AddressClass::reserved:
      return "a reserved address";
  }
  return "an unknown kind of address";
}

bool is_localhost_name(std::string_view host) {
  const std::string h = normalize_host(host);
  return h == "localhost" || (h.size() > 10 && h.ends_with(".localhost"));
}

std::optional<std::string> AddressPolicy::check(std::string_view host, int port,
                                                const IpAddress& resolved) const {
  const std::string normalized = normalize_host(host);
  for (const auto& text : allowed_hosts) {
    const auto entry = parse_entry(text);
    if (entry && matches(*entry, normalized, port, resolved)) return std::nullopt;
  }

  AddressClass cls = classify(resolved);
  if (cls == AddressClass::public_address && is_localhost_name(host)) cls = AddressClass::loopback;
  if (cls == AddressClass::public_address) return std::nullopt;
  const bool internal = cls == AddressClass::loopback || cls == AddressClass::private_network ||
                        cls == AddressClass::shared || cls == AddressClass::link_local;
  if (allow_private && internal) return std::nullopt;

  const std::string address = to_string(resolved);
  std::string subject = normalized == lower(address) ? address : normalized + " (" + address + ")";
  return subject + " is " + std::string(describe(cls)) + "; the operator can allow it with " + setting_name;
}

std::optional<std::string> AddressPolicy::check(std::string_view host, int port,
                                                std::string_view resolved_ip) const {
  const auto ip = parse_ip(resolved_ip);
  if (!ip) return normalize_host(host) + " did not resolve to a valid IP address";
  return check(host, port, *ip);
}

std::optional<std::string> validate_allowed_host(std::string_view entry) {
  std::string why;
  if (parse_entry(entry, &why)) return std::nullopt;
  return "allowed host '" + std::string(entry) + "': " + why;
}

}  // namespace scratch::net

// Resolution, per-address checks and the curl callbacks that keep a transfer on checked addresses.
#include "net/address_guard.hpp"

#include <netdb.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

namespace scratch::net {
namespace {

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
struct AddrinfoDeleter {
  void operator()(addrinfo* a) const { freeaddrinfo(a); }
};

std::optional<std::string> url_part(CURLU* url, CURLUPart part, unsigned flags = 0) {
  char* raw = nullptr;
  if (curl_url_get(url, part, &raw, flags) != CURLUE_OK || raw == nullptr) return std::nullopt;
  std::string out(raw);
  curl_free(raw);
  return out;
}

std::string unbracket(const std::string& host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') return host.substr(1, host.size() - 2);
  return host;
}

HttpError refused(std::string message) {
  return HttpError{"address_refused", std::move(message), false};
}

std::variant<std::vector<IpAddress>, HttpError> resolve(const std::string& host) {
  // curl answers these itself (never asking DNS), so the check must see what curl would use.
  if (is_localhost_name(host)) return std::vector<IpAddress>{*parse_ip("127.0.0.1"), *parse_ip("::1")};

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* raw = nullptr;
  const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &raw);
  std::unique_ptr<addrinfo, AddrinfoDeleter> list(raw);
  if (rc != 0) return HttpError{"dns_failed", "could not resolve " + host + ": " + gai_strerror(rc), true};

  std::vector<IpAddress> out;
  for (const addrinfo* a = list.get(); a; a = a->ai_next) {
    IpAddress ip;
    if (a->ai_family == AF_INET && a->ai_addrlen >= sizeof(sockaddr_in)) {
      std::memcpy(ip.bytes.data(), &reinterpret_cast<const sockaddr_in*>(a->ai_addr)->sin_addr, 4);
    } else if (a->ai_family == AF_INET6 && a->ai_addrlen >= sizeof(sockaddr_in6)) {
      ip.v6 = true;
      std::memcpy(ip.bytes.data(), &reinterpret_cast<const sockaddr_in6*>(a->ai_addr)->sin6_addr, 16);
    } else {
      continue;
    }
    if (std::find(out.begin(), out.end(), ip) == out.end()) out.push_back(ip);
  }
  if (out.empty()) return HttpError{"dns_failed", "could not resolve " + host + ": no IP address", true};
  return out;
}

curl_socket_t open_checked_socket(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto& guard = *static_cast<ConnectGuard*>(user);
  std::optional<std::string> refusal;
  if (purpose != CURLSOCKTYPE_IPCXN) {
    refusal = "only outbound connections are allowed";
  } else {
    refusal = check_socket_address(*guard.policy, guard.host, &address->addr, address->addrlen);
  }
  if (refusal) {
    if (!guard.refusal) guard.refusal = std::move(refusal);
    return CURL_SOCKET_BAD;  // curl reports CURLE_COULDNT_CONNECT (after trying any other address)
  }
  return socket(address->family, address->socktype, address->protocol);
}

}  // namespace

std::variant<GuardedTarget, HttpError> resolve_and_check(const std::string& url,
                                                         const AddressPolicy& policy) {
  std::unique_ptr<CURLU, UrlDeleter> parsed(curl_url());
  if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return HttpError{"invalid_request", "the URL is malformed or not absolute", false};
  }
  const auto scheme = url_part(parsed.get(), CURLUPART_SCHEME);
  if (!scheme || (*scheme != "http" && *scheme != "https")) {
    return HttpError{"invalid_request", "only http and https URLs are allowed", false};
  }
  const auto host = url_part(parsed.get(), CURLUPART_HOST);
  const auto port_text = url_part(parsed.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  if (!host || host->empty() || !port_text) return HttpError{"invalid_request", "the URL has no host", false};

  GuardedTarget target{*host, std::stoi(*port_text), std::nullopt};
  const std::string lookup = unbracket(*host);
  auto resolved = resolve(lookup);
  if (auto* error = std::get_if<HttpError>(&resolved)) return std::move(*error);

  std::string pinned;
  for (const IpAddress& ip : std::get<std::vector<IpAddress>>(resolved)) {
    if (auto why = policy.check(lookup, target.port, ip)) return refused(std::move(*why));
    if (!pinned.empty()) pinned += ',';
    pinned += ip.v6 ? "[" + to_string(ip) + "]" : to_string(ip);
  }
  // IP literals are never resolved by curl, so there is nothing to pin.
  if (!parse_ip(*host)) target.resolve = lookup + ":" + std::to_string(target.port) + ":" + pinned;
  return target;
}

std::optional<std::string> check_socket_address(const AddressPolicy& policy, const std::string& host,
                                                const sockaddr* address, socklen_t length) {
  IpAddress ip;
  int port = 0;
  if (address->sa_family == AF_INET && length >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(address);
    std::memcpy(ip.bytes.data(), &in->sin_addr, 4);
    port = ntohs(in->sin_port);
  } else if (address->sa_family == AF_INET6 && length >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(address);
    ip.v6 = true;
    std::memcpy(ip.bytes.data(), &in6->sin6_addr, 16);
    port = ntohs(in6->sin6_port);
  } else {
    return unbracket(host) + ": only IPv4 and IPv6 connections are allowed";
  }
  return policy.check(unbracket(host), port, ip);
}

void install_guard(CURL* easy, ConnectGuard& guard, curl_slist* resolve_list) {
  curl_easy_setopt(easy, CURLOPT_PROXY, "");  // "" disables the *_proxy environment variables too
  if (resolve_list) curl_easy_setopt(easy, CURLOPT_RESOLVE, resolve_list);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, open_checked_socket);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, &guard);
}

}  // namespace scratch::net

// Enforces an AddressPolicy on one curl transfer, in two places:
//   1. before the transfer, the URL's host is resolved here and every address is checked, so that a name
//      with one internal address among public ones is refused as a whole, with a clear message; curl is
//      then pinned to exactly those addresses (CURLOPT_RESOLVE) instead of resolving again;
//   2. when curl opens each socket, the address it is about to connect to is checked again. This is the
//      check that holds whatever curl did between (DNS rebinding, a pin that did not apply, numeric host
//      forms curl and libc read differently): nothing reaches connect() unchecked.
#pragma once

#include <curl/curl.h>
#include <sys/socket.h>

#include <optional>
#include <string>
#include <variant>

#include "net/address_policy.hpp"
#include "net/http_types.hpp"

namespace scratch::net {

struct GuardedTarget {
  std::string host;  // as curl parsed it from the URL, e.g. "127.0.0.1", "[::1]", "api.x.com"
  int port = 0;      // explicit or the scheme's default
  std::optional<std::string> resolve;  // "host:port:addr,[addr6]" for CURLOPT_RESOLVE; none for IP literals
};

// Parses the URL (http/https only), resolves its host with getaddrinfo ("localhost" and "*.localhost"
// without DNS, to 127.0.0.1 and ::1, as curl does) and checks every address. Errors: "invalid_request"
// (unparsable URL, other scheme), "dns_failed" (retryable, like curl's own) and "address_refused" (not
// retryable). Messages name the host, never the rest of the URL.
std::variant<GuardedTarget, HttpError> resolve_and_check(const std::string& url, const AddressPolicy& policy);

// The connect-time check: the peer address in `address` (AF_INET or AF_INET6; anything else is refused)
// for a request to `host`. Returns the refusal message, or nullopt when the connection may be made.
std::optional<std::string> check_socket_address(const AddressPolicy& policy, const std::string& host,
                                                const sockaddr* address, socklen_t length);

// State for the CURLOPT_OPENSOCKETFUNCTION callback; must outlive the transfer.
struct ConnectGuard {
  const AddressPolicy* policy = nullptr;
  std::string host;
  std::optional<std::string> refusal{};  // the first refused connect, for the error message
};

// Installs the connect-time check, the pin and no proxy (a proxy from the *_proxy environment variables
// would make curl connect to the proxy and leave the real destination unchecked). `resolve_list` holds the
// pin and must outlive the transfer too.
void install_guard(CURL* easy, ConnectGuard& guard, curl_slist* resolve_list);

}  // namespace scratch::net

// Checks a request before anything is sent. Plugins build requests from configuration and remote data, so
// a malformed method, header or URL must be refused here rather than reach the wire.
#pragma once

#include <optional>
#include <string>

#include "net/http_types.hpp"

namespace scratch::net {

// Returns why the request is refused, or nullopt if it may be sent. Refuses: a method that is not an HTTP
// token; a URL that does not parse, has no host, or whose scheme is not http/https; header names that are
// not tokens and header values containing CR, LF or NUL (header injection); a timeout that is not
// positive. The reason never quotes the URL, which may carry credentials.
std::optional<std::string> validate_request(const HttpRequest& request);

}  // namespace scratch::net

// Typed query parameters: a malformed or out-of-range value is 400 invalid_parameter naming it.
#pragma once

#include <string>

#include "http/request.hpp"

namespace scratch::http {

long long query_integer(const Request& request, const std::string& name, long long fallback, long long min,
                        long long max);

}  // namespace scratch::http

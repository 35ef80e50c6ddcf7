#include "http/query_params.hpp"

#include <charconv>

#include "http/problem.hpp"

namespace scratch::http {

long long query_integer(const Request& request, const std::string& name, long long fallback, long long min,
                        long long max) {
  const auto it = request.query.find(name);
  if (it == request.query.end() || it->second.empty()) return fallback;
  const std::string& text = it->second;
  long long v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < min || v > max) {
    throw ApiError(400, "invalid_parameter", "Invalid parameter",
                   name + ": an integer from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return v;
}

}  // namespace scratch::http

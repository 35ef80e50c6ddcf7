#include "http/router.hpp"

#include <algorithm>
#include <stdexcept>

namespace scratch::http {
namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 1;  // paths start with '/'
  while (start <= path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::size_t end = slash == std::string::npos ? path.size() : slash;
    parts.push_back(path.substr(start, end - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return parts;
}

bool is_param(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// Returns the number of literal segments matched (for "most specific wins"), or -1 for no match.
int match_segments(const Route& route, const std::vector<std::string>& parts,
                   std::map<std::string, std::string>* params) {
  if (route.segments.size() != parts.size()) return -1;
  int literals = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string& seg = route.segments[i];
    if (is_param(seg)) {
      if (parts[i].empty()) return -1;
      auto decoded = percent_decode(parts[i]);
      if (!decoded) return -1;
      if (params) (*params)[seg.substr(1, seg.size() - 2)] = *decoded;
    } else if (seg == parts[i]) {
      ++literals;
    } else {
      return -1;
    }
  }
  return literals;
}

}  // namespace

std::optional<std::string> percent_decode(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    const int hi = hex(text[i + 1]), lo = hex(text[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

void Router::add(std::string method, std::string path, RouteDoc doc, Handler handler) {
  if (path.empty() || path.front() != '/') throw std::logic_error("route path must start with '/': " + path);
  for (const auto& r : routes_) {
    if (r.method == method && r.path == path)
      throw std::logic_error("duplicate route " + method + " " + path);
    if (!doc.operation_id.empty() && r.doc.operation_id == doc.operation_id) {
      throw std::logic_error("duplicate operation id " + doc.operation_id);
    }
  }
  Route route{std::move(method), path, std::move(doc), std::move(handler), split_path(path)};
  routes_.push_back(std::move(route));
}

RouteMatch Router::match(const std::string& method, const std::string& path) const {
  RouteMatch result;
  if (path.empty() || path.front() != '/') return result;
  const auto parts = split_path(path);
  int best = -1;
  for (const auto& route : routes_) {
    std::map<std::string, std::string> params;
    const int score = match_segments(route, parts, &params);
    if (score < 0) continue;
    if (route.method != method) {
      if (std::find(result.allowed_methods.begin(), result.allowed_methods.end(), route.method) ==
          result.allowed_methods.end()) {
        result.allowed_methods.push_back(route.method);
      }
      continue;
    }
    if (score > best) {
      best = score;
      result.route = &route;
      result.params = std::move(params);
    }
  }
  std::sort(result.allowed_methods.begin(), result.allowed_methods.end());
  return result;
}

}  // namespace scratch::http

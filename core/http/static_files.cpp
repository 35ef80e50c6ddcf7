#include "http/static_files.hpp"

#include <map>
#include <system_error>

#include "http/router.hpp"

namespace scratch::http {
namespace {

// Paths that are never the console's: an unknown API route stays a problem+json 404.
bool is_server_path(const std::string& path) {
  for (const char* prefix : {"/api/", "/mcp", "/healthz", "/readyz", "/metrics"}) {
    if (path.rfind(prefix, 0) == 0) return true;
  }
  return path == "/api";
}

// The console runs only its own bundled code and talks only to this origin.
void add_security_headers(Response& r) {
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                         "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
}

}  // namespace

std::string content_type_for(const std::filesystem::path& path) {
  static const std::map<std::string, std::string> types = {{".html", "text/html; charset=utf-8"},
                                                           {".js", "text/javascript; charset=utf-8"},
                                                           {".mjs", "text/javascript; charset=utf-8"},
                                                           {".css", "text/css; charset=utf-8"},
                                                           {".json", "application/json"},
                                                           {".svg", "image/svg+xml"},
                                                           {".png", "image/png"},
                                                           {".ico", "image/x-icon"},
                                                           {".woff2", "font/woff2"},
                                                           {".woff", "font/woff"},
                                                           {".txt", "text/plain; charset=utf-8"},
                                                           {".map", "application/json"},
                                                           {".webmanifest", "application/manifest+json"}};
  const auto it = types.find(path.extension().string());
  return it == types.end() ? "application/octet-stream" : it->second;
}

StaticFiles::StaticFiles(std::filesystem::path root) : root_(std::move(root)) {}

bool StaticFiles::available() const {
  std::error_code ec;
  return std::filesystem::is_regular_file(root_ / "index.html", ec);
}

std::optional<Response> StaticFiles::serve(const Request& request) const {
  if (request.method != "GET" && request.method != "HEAD") return std::nullopt;
  if (is_server_path(request.path) || !available()) return std::nullopt;

  // Decode and check every segment: no "..", no hidden files, nothing that leaves the folder.
  std::filesystem::path relative;
  bool plain = true;
  std::size_t start = 1;
  while (start <= request.path.size()) {
    std::size_t end = request.path.find('/', start);
    if (end == std::string::npos) end = request.path.size();
    const auto segment = percent_decode(request.path.substr(start, end - start));
    if (!segment || segment->find('\0') != std::string::npos || segment->find('/') != std::string::npos ||
        segment->find('\\') != std::string::npos) {
      plain = false;
      break;
    }
    if (!segment->empty()) {
      if ((*segment)[0] == '.') {
        plain = false;
        break;
      }
      relative /= *segment;
    }
    start = end + 1;
  }

  std::error_code ec;
  if (plain && !relative.empty()) {
    const auto file = root_ / relative;
    if (std::filesystem::is_regular_file(file, ec)) {
      Response r = Response::file(file.string(), content_type_for(file));
      // Vite names bundles by content hash under assets/: they never change under one name.
      const bool hashed = relative.begin() != relative.end() && *relative.begin() == "assets";
      r.headers.emplace_back("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
      add_security_headers(r);
      return r;
    }
    // A missing asset is a 404, not the app (a stale bundle name must not load HTML as script).
    if (relative.has_extension() && relative.extension() != ".html") return std::nullopt;
  }
  Response r = Response::file((root_ / "index.html").string(), "text/html; charset=utf-8");
  r.headers.emplace_back("Cache-Control", "no-cache");
  add_security_headers(r);
  return r;
}

}  // namespace scratch::http

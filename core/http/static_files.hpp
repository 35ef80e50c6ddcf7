// The web console's assets, served at "/" from a folder (SCRATCH_WEB_DIR, built by scripts/build-web.sh).
// Exact file paths are served as files; any other GET path outside the API gets index.html, so the
// single-page app's own routes survive a reload. Nothing outside the folder can be reached.
#pragma once

#include <filesystem>
#include <optional>

#include "http/request.hpp"
#include "http/response.hpp"

namespace scratch::http {

class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path root);

  bool available() const;  // the folder has an index.html
  // The response for a GET/HEAD the router did not match, or nullopt (API paths, other methods, no assets).
  std::optional<Response> serve(const Request& request) const;

 private:
  std::filesystem::path root_;
};

// Content type by file extension ("application/octet-stream" when unknown).
std::string content_type_for(const std::filesystem::path& path);

}  // namespace scratch::http

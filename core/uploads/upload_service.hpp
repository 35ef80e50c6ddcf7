// File uploads in chunks: Pistache buffers whole requests, so a large file (a 100 MB CSV) arrives as a
// series of bounded chunk requests appended to a file on disk, never held whole in memory.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "db/connection_pool.hpp"

namespace scratch::uploads {

class UploadService {
 public:
  UploadService(db::ConnectionPool& pool, std::filesystem::path data_dir, std::uint64_t max_bytes);

  nlohmann::json create(const std::string& user_id, const std::string& filename);
  // Appends one chunk at `offset` (must equal the current size: a retried chunk is detected, not doubled).
  nlohmann::json append(const std::string& user_id, const std::string& id, std::uint64_t offset,
                        const std::string& chunk);
  nlohmann::json get(const std::string& user_id, const std::string& id);
  // Moves the uploaded file to `destination` and marks the upload used. 404/409 as ApiError.
  void take(const std::string& user_id, const std::string& id, const std::filesystem::path& destination);

 private:
  std::filesystem::path path_of(const std::string& id) const;
  db::ConnectionPool& pool_;
  std::filesystem::path dir_;
  std::uint64_t max_bytes_;
};

}  // namespace scratch::uploads

namespace scratch::accounts {
using UploadsRef = uploads::UploadService&;
}

#include "uploads/upload_service.hpp"

#include <fstream>
#include <pqxx/pqxx>

#include "auth/user_store.hpp"
#include "db/transaction.hpp"
#include "http/problem.hpp"

namespace scratch::uploads {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json upload_json(const pqxx::row& r) {
  return {{"id", r[0].as<std::string>()},
          {"filename", r[1].as<std::string>()},
          {"size_bytes", r[2].as<long long>()},
          {"created_at", r[3].as<std::string>()},
          {"consumed", !r[4].is_null()}};
}

constexpr const char* kColumns = "id::text, filename, size_bytes, scratch_iso(created_at), consumed_at";

}  // namespace

UploadService::UploadService(db::ConnectionPool& pool, fs::path data_dir, std::uint64_t max_bytes)
    : pool_(pool), dir_(std::move(data_dir) / "uploads"), max_bytes_(max_bytes) {}

fs::path UploadService::path_of(const std::string& id) const {
  return dir_ / (id + ".part");
}

json UploadService::create(const std::string& user_id, const std::string& filename) {
  fs::create_directories(dir_);
  auto out = db::with_transaction(pool_, [&](pqxx::work& tx) {
    return upload_json(
        tx.exec_params1(std::string("INSERT INTO uploads (user_id, filename) VALUES ($1::uuid, $2) "
                                    "RETURNING ") +
                            kColumns,
                        user_id, filename));
  });
  std::ofstream(path_of(out["id"]), std::ios::binary | std::ios::trunc);
  return out;
}

json UploadService::get(const std::string& user_id, const std::string& id) {
  if (!auth::is_uuid(id)) throw http::errors::not_found("upload " + id);
  const auto rows = db::with_read(pool_, [&](pqxx::read_transaction& tx) {
    return tx.exec_params(
        std::string("SELECT ") + kColumns + " FROM uploads WHERE id = $1::uuid AND user_id = $2::uuid", id,
        user_id);
  });
  if (rows.empty()) throw http::errors::not_found("upload " + id);
  return upload_json(rows[0]);
}

json UploadService::append(const std::string& user_id, const std::string& id, std::uint64_t offset,
                           const std::string& chunk) {
  if (!auth::is_uuid(id)) throw http::errors::not_found("upload " + id);
  // The row lock serialises chunks of one upload, so concurrent appends cannot interleave.
  return db::with_transaction(pool_, [&](pqxx::work& tx) {
    const auto rows = tx.exec_params(
        "SELECT size_bytes, consumed_at IS NOT NULL FROM uploads WHERE id = $1::uuid AND user_id = $2::uuid "
        "FOR UPDATE",
        id, user_id);
    if (rows.empty()) throw http::errors::not_found("upload " + id);
    if (rows[0][1].as<bool>()) {
      throw http::ApiError(409, "upload_consumed", "Upload already used",
                           "this upload was already turned into an account");
    }
    const auto size = rows[0][0].as<std::uint64_t>();
    if (offset != size) {
      throw http::ApiError(409, "upload_offset_mismatch", "Wrong chunk offset",
                           "the upload holds " + std::to_string(size) + " bytes; send the chunk for offset " +
                               std::to_string(size))
          .with("size_bytes", size);
    }
    if (size + chunk.size() > max_bytes_) {
      throw http::ApiError(413, "upload_too_large", "Upload too large",
                           "uploads are limited to " + std::to_string(max_bytes_) + " bytes");
    }
    {
      std::ofstream out(path_of(id), std::ios::binary | std::ios::app);
      out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      if (!out) throw std::runtime_error("cannot write upload " + id);
    }
    return upload_json(tx.exec_params1(std::string("UPDATE uploads SET size_bytes = size_bytes + $3 "
                                                   "WHERE id = $1::uuid AND user_id = $2::uuid RETURNING ") +
                                           kColumns,
                                       id, user_id, static_cast<long long>(chunk.size())));
  });
}

void UploadService::take(const std::string& user_id, const std::string& id, const fs::path& destination) {
  if (!auth::is_uuid(id)) throw http::errors::validation("upload_id", "is not an upload of yours");
  db::with_transaction(pool_, [&](pqxx::work& tx) {
    const auto rows = tx.exec_params(
        "UPDATE uploads SET consumed_at = now() WHERE id = $1::uuid AND user_id = $2::uuid AND consumed_at "
        "IS NULL "
        "RETURNING id",
        id, user_id);
    if (rows.empty()) throw http::errors::validation("upload_id", "is not an unused upload of yours");
    fs::create_directories(destination.parent_path());
    fs::rename(path_of(id), destination);  // same file system: data folder
  });
}

}  // namespace scratch::uploads

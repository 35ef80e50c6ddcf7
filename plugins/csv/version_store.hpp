// The versioned files of one CSV account: files_dir/v000001.csv, v000002.csv, ...; the highest number is
// current. Versions are immutable once written, so readers never see a file change under them.
#pragma once

#include <filesystem>
#include <fstream>
#include <optional>

#include "scratch/plugin.hpp"

namespace scratch::csv {

class VersionStore {
 public:
  explicit VersionStore(std::filesystem::path dir);
  // From call.context["files_dir"]; throws plugin::Error("invalid_request") when it is missing.
  static VersionStore from_context(const plugin::json& context);

  // The highest version present, if any.
  std::optional<unsigned> current() const;
  // As current(), but throws plugin::Error("file_missing") when there is none.
  unsigned require_current() const;
  std::filesystem::path path_of(unsigned version) const;
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

// A version being written: a hidden temp file that becomes `version` only on commit(), atomically and
// without ever replacing an existing file. Dropped without commit(), the temp file is removed.
class NewVersionFile {
 public:
  NewVersionFile(const VersionStore& store, unsigned version);
  ~NewVersionFile();
  NewVersionFile(const NewVersionFile&) = delete;
  NewVersionFile& operator=(const NewVersionFile&) = delete;

  std::ostream& stream() { return out_; }
  // Flushes to disk and links the file in as the new version. Throws plugin::Error("write_conflict",
  // retryable) when another writer created that version first, or "io_error" when the disk fails.
  void commit();

 private:
  std::filesystem::path temp_;
  std::filesystem::path final_;
  std::ofstream out_;
  bool committed_ = false;
};

}  // namespace scratch::csv

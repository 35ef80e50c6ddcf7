// Version files on disk: discovery by name, and crash-safe creation of the next one.
#include "version_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <system_error>

namespace scratch::csv {
namespace {

using plugin::Error;

// "v" + at least six digits + ".csv"; returns the number, or nullopt for any other name.
std::optional<unsigned> version_of(const std::string& name) {
  constexpr std::size_t kMinDigits = 6;
  if (name.size() < 1 + kMinDigits + 4 || name.front() != 'v' ||
      name.compare(name.size() - 4, 4, ".csv") != 0) {
    return std::nullopt;
  }
  const std::string digits = name.substr(1, name.size() - 5);
  if (digits.size() > 9) return std::nullopt;  // keeps the value well inside unsigned
  unsigned value = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return value;
}

// fsync by path: std::ofstream has no handle to sync, and the rename is only durable once the data is.
void sync_path(const std::filesystem::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) throw Error("io_error", "cannot open " + path.string() + ": " + std::strerror(errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) throw Error("io_error", "cannot sync " + path.string() + ": " + std::strerror(err));
}

}  // namespace

VersionStore::VersionStore(std::filesystem::path dir) : dir_(std::move(dir)) {}

VersionStore VersionStore::from_context(const plugin::json& context) {
  const auto it = context.find("files_dir");
  if (it == context.end() || !it->is_string() || it->get<std::string>().empty()) {
    throw Error("invalid_request", "the host gave no files_dir for this account");
  }
  return VersionStore(it->get<std::string>());
}

std::optional<unsigned> VersionStore::current() const {
  std::error_code ec;
  std::optional<unsigned> best;
  for (std::filesystem::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    const auto version = version_of(it->path().filename().string());
    if (version && *version > 0 && (!best || *version > *best)) best = version;
  }
  return best;
}

unsigned VersionStore::require_current() const {
  const auto version = current();
  if (!version) throw Error("file_missing", "no CSV file (v000001.csv) in " + dir_.string());
  return *version;
}

std::filesystem::path VersionStore::path_of(unsigned version) const {
  char name[32];
  std::snprintf(name, sizeof name, "v%06u.csv", version);
  return dir_ / name;
}

NewVersionFile::NewVersionFile(const VersionStore& store, unsigned version) : final_(store.path_of(version)) {
  // Unique per process and call, so concurrent writers never share a temp file.
  static std::atomic<unsigned long> counter{0};
  temp_ = store.dir() / ("." + final_.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
                         std::to_string(counter.fetch_add(1)));
  out_.open(temp_, std::ios::binary | std::ios::trunc);
  if (!out_) throw Error("io_error", "cannot create " + temp_.string());
}

NewVersionFile::~NewVersionFile() {
  if (out_.is_open()) out_.close();
  if (!committed_) {
    std::error_code ec;
    std::filesystem::remove(temp_, ec);
  }
}

void NewVersionFile::commit() {
  out_.close();
  if (out_.fail()) throw Error("io_error", "cannot write " + temp_.string());
  sync_path(temp_, O_RDONLY);
  // link() fails with EEXIST instead of replacing: two concurrent writers cannot both become version K.
  if (::link(temp_.c_str(), final_.c_str()) != 0) {
    if (errno == EEXIST) {
      throw Error("write_conflict", final_.filename().string() + " was written by another call; retry", true);
    }
    throw Error("io_error", "cannot create " + final_.string() + ": " + std::strerror(errno));
  }
  committed_ = true;
  std::error_code ec;
  std::filesystem::remove(temp_, ec);
  // Best effort: the version exists now, so failing the call here would report a write that happened.
  try {
    sync_path(final_.parent_path(), O_RDONLY | O_DIRECTORY);
  } catch (const Error&) {
  }
}

}  // namespace scratch::csv

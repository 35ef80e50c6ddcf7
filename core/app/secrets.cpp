#include "app/secrets.hpp"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "crypto/encoding.hpp"
#include "crypto/random.hpp"

namespace scratch::app {
namespace {

namespace fs = std::filesystem;

// Reads the file, or creates it (mode 0600) with `make()` the first time.
std::string load_or_create(const fs::path& path, const std::function<std::string()>& make) {
  if (fs::exists(path)) {
    std::ifstream in(path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::string value = buffer.str();
    while (!value.empty() && (value.back() == '\n' || value.back() == '\r'))
      value.pop_back();
    if (value.empty()) throw ConfigError(path.string() + " is empty; delete it to generate a new one");
    return value;
  }
  fs::create_directories(path.parent_path());
  fs::permissions(path.parent_path(), fs::perms::owner_all, fs::perm_options::replace);
  const std::string value = make();
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) throw ConfigError("cannot write " + tmp.string());
    out << value << "\n";
  }
  fs::permissions(tmp, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
  fs::rename(tmp, path);  // atomic: two processes starting together end up with one value
  return value;
}

std::string decode_master_key(const std::string& text) {
  if (text.size() == 64) {
    if (auto raw = crypto::hex_decode(text)) return *raw;
  }
  if (auto raw = crypto::base64_decode(text); raw && raw->size() == 32) return *raw;
  throw ConfigError(
      "SCRATCH_MASTER_KEY must be 32 bytes given as 64 hex characters or base64 (e.g. `openssl rand -hex "
      "32`)");
}

}  // namespace

void resolve_secrets(Config& config) {
  const fs::path dir = config.data_dir / "secrets";
  if (config.session_secret.empty()) {
    if (!config.embedded) {
      throw ConfigError(
          "SCRATCH_SESSION_SECRET is required when DATABASE_URL points to your own database "
          "(at least 32 characters, e.g. `openssl rand -base64 48`)");
    }
    config.session_secret = load_or_create(dir / "session_secret",
                                           [] { return crypto::base64url_encode(crypto::random_bytes(48)); });
  }
  if (config.session_secret.size() < 32) {
    throw ConfigError("SCRATCH_SESSION_SECRET must be at least 32 characters (got " +
                      std::to_string(config.session_secret.size()) + ")");
  }
  if (config.master_key.empty()) {
    if (!config.embedded) {
      throw ConfigError(
          "SCRATCH_MASTER_KEY is required when DATABASE_URL points to your own database "
          "(64 hex characters, e.g. `openssl rand -hex 32`); keep it outside the database");
    }
    config.master_key =
        load_or_create(dir / "master_key", [] { return crypto::hex_encode(crypto::random_bytes(32)); });
  }
  config.master_key = decode_master_key(config.master_key);
}

}  // namespace scratch::app

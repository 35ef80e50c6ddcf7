// Drives the built CSV plugin (csv.so) through its C ABI, the way the host does: dlopen, the entry symbol,
// call_json in, JSON out, released with the plugin's free_string.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scratch/plugin_abi.h"

namespace scratch::csv::test {

using nlohmann::json;

struct PluginReply {
  int rc = SCRATCH_ERROR;
  json body;  // the result on SCRATCH_OK, the error object otherwise
  bool ok() const { return rc == SCRATCH_OK; }
  std::string error_code() const { return body.value("code", ""); }
};

// The plugin's descriptor; the library is loaded once per process and never unloaded.
const ScratchPluginDescriptor& csv_plugin();

// One account: a files_dir and a config, with a host whose log lines are collected.
class CsvAccount {
 public:
  explicit CsvAccount(std::string files_dir, json config = json::object());

  PluginReply check() const;
  PluginReply list_tables() const;
  PluginReply read(const json& cursor, int page_size) const;
  PluginReply write(const json& ops) const;

  const std::vector<std::string>& logs() const { return logs_; }

 private:
  PluginReply call(int (*fn)(const ScratchHost*, const char*, char**), const json& request) const;

  std::string files_dir_;
  json config_;
  mutable std::vector<std::string> logs_;
};

// Writes `content` to `dir`/v<version, six digits>.csv.
void write_version(const std::string& dir, unsigned version, const std::string& content);
// The bytes of `dir`/v<version>.csv, or "" if it does not exist.
std::string read_version(const std::string& dir, unsigned version);
bool version_exists(const std::string& dir, unsigned version);

}  // namespace scratch::csv::test

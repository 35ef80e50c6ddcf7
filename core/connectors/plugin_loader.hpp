// Loads connector plugins (.so files) with Boost.DLL and vets them: entry point, ABI version, struct
// sizes, connector name and spec. A loaded plugin is never unloaded: code of a plugin may still be
// running on some thread, and dlclose under it is a crash.
#pragma once

#include <scratch/plugin_abi.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace scratch::connectors {

struct PluginInfo {
  std::string name;
  std::string version;
  unsigned abi_version = 0;
  std::string path;
  nlohmann::json spec;
};

class PluginLoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class LoadedPlugin {
 public:
  virtual ~LoadedPlugin() = default;
  virtual const PluginInfo& info() const = 0;
  virtual const ScratchConnectorApi& api() const = 0;
};

struct RejectedPlugin {
  std::string path;
  std::string reason;
};

struct LoadReport {
  std::vector<std::shared_ptr<LoadedPlugin>> loaded;
  std::vector<RejectedPlugin> rejected;
};

// Loads and vets one file; throws PluginLoadError with the reason.
std::shared_ptr<LoadedPlugin> load_plugin(const std::filesystem::path& file);

// Loads every *.so directly inside each folder (sorted by name; folders in order). A second plugin with
// an already-loaded connector name is rejected. Missing folders are skipped.
LoadReport load_plugins(const std::vector<std::filesystem::path>& folders);

// nullopt when the spec has the required shape, else what is wrong.
std::optional<std::string> spec_problem(const nlohmann::json& spec);
bool is_valid_connector_name(const std::string& name);

}  // namespace scratch::connectors

#include "connectors/plugin_loader.hpp"

#include <boost/dll/shared_library.hpp>
#include <regex>
#include <set>

#include "connectors/json_schema.hpp"

namespace scratch::connectors {
namespace {

namespace fs = std::filesystem;

class DllPlugin : public LoadedPlugin {
 public:
  DllPlugin(boost::dll::shared_library library, const ScratchPluginDescriptor* descriptor, PluginInfo info)
      : library_(std::move(library)), descriptor_(descriptor), info_(std::move(info)) {}
  // Deliberately leaks the mapping: see the file comment in the header.
  ~DllPlugin() override { new boost::dll::shared_library(std::move(library_)); }
  const PluginInfo& info() const override { return info_; }
  const ScratchConnectorApi& api() const override { return *descriptor_->api; }

 private:
  boost::dll::shared_library library_;
  const ScratchPluginDescriptor* descriptor_;
  PluginInfo info_;
};

}  // namespace

bool is_valid_connector_name(const std::string& name) {
  static const std::regex pattern("^[a-z][a-z0-9_-]{0,63}$");
  return std::regex_match(name, pattern);
}

std::optional<std::string> spec_problem(const nlohmann::json& spec) {
  if (!spec.is_object()) return "the spec must be a JSON object";
  if (!spec.contains("display_name") || !spec["display_name"].is_string() ||
      spec["display_name"].get<std::string>().empty()) {
    return "spec.display_name must be a non-empty string";
  }
  if (!spec.contains("capabilities") || !spec["capabilities"].is_array()) {
    return "spec.capabilities must be an array";
  }
  static const std::set<std::string> known = {"read", "create", "update", "delete"};
  for (const auto& c : spec["capabilities"]) {
    if (!c.is_string() || !known.count(c.get<std::string>())) {
      return "spec.capabilities may hold only read, create, update, delete (got " + c.dump() + ")";
    }
  }
  if (!spec.contains("limits") || !spec["limits"].is_object()) return "spec.limits must be an object";
  for (const char* key : {"max_page_size", "max_write_batch", "requests_per_second"}) {
    if (spec["limits"].contains(key) &&
        (!spec["limits"][key].is_number() || spec["limits"][key].get<double>() < 0)) {
      return std::string("spec.limits.") + key + " must be a non-negative number";
    }
  }
  if (spec.contains("quota")) {
    const auto& q = spec["quota"];
    if (!q.is_object()) return "spec.quota must be an object";
    if (!q.contains("daily_units") || !q["daily_units"].is_number() || q["daily_units"].get<double>() <= 0)
      return "spec.quota.daily_units must be a positive number";
    if (q.contains("reset_timezone") &&
        (!q["reset_timezone"].is_string() || q["reset_timezone"].get<std::string>().empty()))
      return "spec.quota.reset_timezone must be a time zone name such as America/Los_Angeles";
    if (!q.contains("costs") || !q["costs"].is_object()) return "spec.quota.costs must be an object";
    static const std::set<std::string> costed = {"check",  "list_tables", "read",
                                                 "create", "update",      "delete"};
    for (const auto& [key, value] : q["costs"].items()) {
      if (!costed.count(key))
        return "spec.quota.costs may name only check, list_tables, read, create, update, delete (got " + key +
               ")";
      if (!value.is_number() || value.get<double>() < 0)
        return "spec.quota.costs." + key + " must be a non-negative number";
    }
  }
  for (const char* key : {"config_schema", "credentials_schema"}) {
    if (!spec.contains(key)) return std::string("spec.") + key + " is required (a JSON Schema object)";
    if (auto problem = schema_problem(spec[key])) return std::string("spec.") + key + " " + *problem;
  }
  return std::nullopt;
}

std::shared_ptr<LoadedPlugin> load_plugin(const fs::path& file) {
  boost::dll::shared_library library;
  try {
    // RTLD_NOW: fail at load, not mid-call, on a missing symbol. RTLD_LOCAL: plugins bundling different
    // versions of a library don't see each other's symbols.
    library.load(file, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    throw PluginLoadError(std::string("not a loadable shared library: ") + e.what());
  }
  if (!library.has(SCRATCH_PLUGIN_ENTRY_SYMBOL)) {
    throw PluginLoadError(std::string("no entry point: the library does not export ") +
                          SCRATCH_PLUGIN_ENTRY_SYMBOL + " (use SCRATCH_EXPORT_CONNECTOR)");
  }
  auto entry = library.get<const ScratchPluginDescriptor*(uint32_t)>(SCRATCH_PLUGIN_ENTRY_SYMBOL);
  const ScratchPluginDescriptor* d = nullptr;
  try {
    d = entry(SCRATCH_PLUGIN_ABI_VERSION);
  } catch (const std::exception& e) {
    throw PluginLoadError(std::string("the entry point threw: ") + e.what());
  } catch (...) {
    throw PluginLoadError("the entry point threw a non-standard exception");
  }
  if (!d) throw PluginLoadError("the entry point returned no descriptor (the plugin refused to load)");
  if (d->abi_version != SCRATCH_PLUGIN_ABI_VERSION) {
    throw PluginLoadError("ABI version mismatch: plugin has ABI " + std::to_string(d->abi_version) +
                          ", this scratchd has ABI " + std::to_string(SCRATCH_PLUGIN_ABI_VERSION) +
                          "; rebuild the plugin against the matching plugin SDK");
  }
  if (d->struct_size < sizeof(ScratchPluginDescriptor)) {
    throw PluginLoadError("descriptor struct_size " + std::to_string(d->struct_size) + " < required " +
                          std::to_string(sizeof(ScratchPluginDescriptor)));
  }
  if (!d->api || d->api->struct_size < sizeof(ScratchConnectorApi) || !d->api->check ||
      !d->api->list_tables || !d->api->read || !d->api->write || !d->api->free_string) {
    throw PluginLoadError(
        "the function table is missing or incomplete (every contract function is required)");
  }
  PluginInfo info;
  info.name = d->name ? d->name : "";
  info.version = d->version ? d->version : "";
  info.abi_version = d->abi_version;
  info.path = fs::absolute(file).string();
  if (!is_valid_connector_name(info.name)) {
    throw PluginLoadError("invalid connector name '" + info.name + "': use [a-z][a-z0-9_-]{0,63}");
  }
  if (info.version.empty()) throw PluginLoadError("the descriptor has no version");
  try {
    info.spec = nlohmann::json::parse(d->spec_json ? d->spec_json : "");
  } catch (const std::exception& e) {
    throw PluginLoadError(std::string("spec validation failed: spec_json is not valid JSON: ") + e.what());
  }
  if (auto problem = spec_problem(info.spec)) throw PluginLoadError("spec validation failed: " + *problem);
  return std::make_shared<DllPlugin>(std::move(library), d, std::move(info));
}

LoadReport load_plugins(const std::vector<fs::path>& folders) {
  LoadReport report;
  std::set<std::string> names;
  for (const auto& folder : folders) {
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) continue;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
      if (entry.path().extension() == ".so" && !entry.is_directory()) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      try {
        auto plugin = load_plugin(file);
        if (!names.insert(plugin->info().name).second) {
          report.rejected.push_back(
              {fs::absolute(file).string(), "duplicate connector name '" + plugin->info().name +
                                                "': another plugin already registered it"});
          // The library stays mapped (never unloaded); it is just not used.
          continue;
        }
        report.loaded.push_back(std::move(plugin));
      } catch (const PluginLoadError& e) {
        report.rejected.push_back({fs::absolute(file).string(), e.what()});
      }
    }
  }
  return report;
}

}  // namespace scratch::connectors

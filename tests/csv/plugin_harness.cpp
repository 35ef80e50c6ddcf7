// Loads csv.so with dlopen and calls it through the C ABI.
#include "plugin_harness.hpp"

#include <dlfcn.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace scratch::csv::test {
namespace {

void collect_log(void* context, int level, const char* message) {
  static_cast<std::vector<std::string>*>(context)->push_back(std::to_string(level) + " " + message);
}

int never_cancelled(void*) {
  return 0;
}

void free_host_string(void*, char* text) {
  std::free(text);
}

std::string version_path(const std::string& dir, unsigned version) {
  char name[32];
  std::snprintf(name, sizeof name, "/v%06u.csv", version);
  return dir + name;
}

}  // namespace

const ScratchPluginDescriptor& csv_plugin() {
  static const ScratchPluginDescriptor* descriptor = [] {
    void* library = ::dlopen(CSV_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
    if (!library) throw std::runtime_error(std::string("dlopen: ") + ::dlerror());
    auto entry = reinterpret_cast<ScratchPluginEntryFn>(::dlsym(library, SCRATCH_PLUGIN_ENTRY_SYMBOL));
    if (!entry) throw std::runtime_error("no " SCRATCH_PLUGIN_ENTRY_SYMBOL " in " CSV_PLUGIN_PATH);
    const ScratchPluginDescriptor* d = entry(SCRATCH_PLUGIN_ABI_VERSION);
    if (!d)
      throw std::runtime_error("the CSV plugin refused ABI version " +
                               std::to_string(SCRATCH_PLUGIN_ABI_VERSION));
    return d;
  }();
  return *descriptor;
}

CsvAccount::CsvAccount(std::string files_dir, json config)
    : files_dir_(std::move(files_dir)), config_(std::move(config)) {}

PluginReply CsvAccount::call(int (*fn)(const ScratchHost*, const char*, char**), const json& request) const {
  ScratchHost host{};
  host.struct_size = sizeof(ScratchHost);
  host.abi_version = SCRATCH_PLUGIN_ABI_VERSION;
  host.context = &logs_;
  host.http = nullptr;  // the CSV connector never goes to the network
  host.log = collect_log;
  host.cancelled = never_cancelled;
  host.free_string = free_host_string;

  const json call_json = {{"config", config_},
                          {"credentials", json::object()},
                          {"context", {{"account_id", "test"}, {"files_dir", files_dir_}}},
                          {"request", request}};
  char* out = nullptr;
  PluginReply reply;
  reply.rc = fn(&host, call_json.dump().c_str(), &out);
  if (!out) throw std::runtime_error("the plugin returned no JSON");
  reply.body = json::parse(out);
  csv_plugin().api->free_string(out);
  return reply;
}

PluginReply CsvAccount::check() const {
  return call(csv_plugin().api->check, json::object());
}

PluginReply CsvAccount::list_tables() const {
  return call(csv_plugin().api->list_tables, json::object());
}

PluginReply CsvAccount::read(const json& cursor, int page_size) const {
  return call(csv_plugin().api->read, {{"table", "rows"}, {"cursor", cursor}, {"page_size", page_size}});
}

PluginReply CsvAccount::write(const json& ops) const {
  return call(csv_plugin().api->write, {{"table", "rows"}, {"ops", ops}});
}

void write_version(const std::string& dir, unsigned version, const std::string& content) {
  std::ofstream(version_path(dir, version), std::ios::binary) << content;
}

std::string read_version(const std::string& dir, unsigned version) {
  std::ifstream in(version_path(dir, version), std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool version_exists(const std::string& dir, unsigned version) {
  return std::filesystem::exists(version_path(dir, version));
}

}  // namespace scratch::csv::test

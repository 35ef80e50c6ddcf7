// A minimal host for one plugin: a log function, no HTTP client, never cancelled.
#include "plugin_client.hpp"

#include <dlfcn.h>

#include <stdexcept>

namespace scratch::test {

PluginClient::PluginClient(const std::string& path) {
  handle_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle_) throw std::runtime_error("dlopen " + path + ": " + dlerror());
  auto entry = reinterpret_cast<ScratchPluginEntryFn>(dlsym(handle_, SCRATCH_PLUGIN_ENTRY_SYMBOL));
  if (!entry) throw std::runtime_error(path + " exports no " SCRATCH_PLUGIN_ENTRY_SYMBOL);
  descriptor_ = entry(SCRATCH_PLUGIN_ABI_VERSION);
  if (!descriptor_) throw std::runtime_error(path + ": scratch_plugin_entry returned NULL");
}

PluginClient::~PluginClient() {
  if (handle_) dlclose(handle_);
}

PluginReply PluginClient::call(ContractFn fn, const nlohmann::json& call_json) {
  ScratchHost host{};
  host.struct_size = sizeof(ScratchHost);
  host.abi_version = SCRATCH_PLUGIN_ABI_VERSION;
  host.context = this;
  host.http = nullptr;
  host.log = &PluginClient::log;
  host.cancelled = nullptr;
  host.free_string = nullptr;

  char* out = nullptr;
  const int rc = (descriptor_->api->*fn)(&host, call_json.dump().c_str(), &out);
  PluginReply reply;
  reply.ok = rc == SCRATCH_OK;
  reply.body = out ? nlohmann::json::parse(out) : nlohmann::json();
  if (out) descriptor_->api->free_string(out);
  return reply;
}

std::vector<std::string> PluginClient::log_lines() const {
  std::lock_guard lock(mutex_);
  return log_;
}

void PluginClient::log(void* context, int level, const char* message) {
  auto* self = static_cast<PluginClient*>(context);
  std::lock_guard lock(self->mutex_);
  self->log_.push_back(std::to_string(level) + " " + message);
}

}  // namespace scratch::test

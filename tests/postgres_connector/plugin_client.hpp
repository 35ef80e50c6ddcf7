// Loads a connector plugin (.so) and calls its contract functions through the C ABI, as scratchd does.
#pragma once

#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scratch/plugin_abi.h"

namespace scratch::test {

struct PluginReply {
  bool ok = false;      // SCRATCH_OK
  nlohmann::json body;  // the result, or the error object {"code","message","retryable"}
};

class PluginClient {
 public:
  // dlopen()s path and calls scratch_plugin_entry; throws std::runtime_error when either fails.
  explicit PluginClient(const std::string& path);
  ~PluginClient();
  PluginClient(const PluginClient&) = delete;
  PluginClient& operator=(const PluginClient&) = delete;

  const ScratchPluginDescriptor& descriptor() const { return *descriptor_; }
  nlohmann::json spec() const { return nlohmann::json::parse(descriptor_->spec_json); }

  // fn is one of the api's function pointers, e.g. &ScratchConnectorApi::read.
  using ContractFn = int (*ScratchConnectorApi::*)(const ScratchHost*, const char*, char**);
  PluginReply call(ContractFn fn, const nlohmann::json& call_json);

  // Every line the plugin logged, as "<level> <message>".
  std::vector<std::string> log_lines() const;

 private:
  static void log(void* context, int level, const char* message);

  void* handle_ = nullptr;
  const ScratchPluginDescriptor* descriptor_ = nullptr;
  mutable std::mutex mutex_;
  std::vector<std::string> log_;
};

}  // namespace scratch::test

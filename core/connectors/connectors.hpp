// The one interface the core calls for connectors. It hides where a connector runs: a native plugin in
// a supervised runner process today, a sandboxed Lua script later.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace scratch::connectors {

struct CallResult {
  bool ok = false;
  nlohmann::json value;  // the result, or the error {"code","message","retryable"}
};

class Connectors {
 public:
  virtual ~Connectors() = default;
  // {"plugins":[{name,version,abi_version,path,spec}],"rejected":[{path,reason}]}
  virtual nlohmann::json catalog() const = 0;
  virtual std::optional<nlohmann::json> spec(const std::string& connector) const = 0;
  // op: check | list_tables | read | write. call: {config, credentials, context, request}.
  // Never throws for a plugin's failure, crash or hang: those come back as !ok with a code.
  virtual CallResult call(const std::string& connector, const std::string& op, const nlohmann::json& call,
                          std::chrono::milliseconds timeout) = 0;
};

}  // namespace scratch::connectors

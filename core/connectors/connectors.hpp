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
  // From call_raw on success: the result's JSON text as the connector wrote it (value stays null), so a big
  // page can go on to PostgreSQL without being parsed and written out again here.
  std::string raw{};
  // Lua connectors only: {"logs": [...], "diagnostic": {...}} as the runner reported them.
  nlohmann::json script{};
};

class Connectors {
 public:
  virtual ~Connectors() = default;
  // {"plugins":[{name,version,abi_version,path,spec}],"rejected":[{path,reason}]}
  virtual nlohmann::json catalog() const = 0;
  virtual std::optional<nlohmann::json> spec(const std::string& connector) const = 0;
  // The spec of a connector type as `user_id` may use it: nullopt also when the type belongs to another user
  // (custom connectors are their owner's only).
  virtual std::optional<nlohmann::json> spec_for_user(const std::string& user_id,
                                                      const std::string& connector) const {
    (void)user_id;
    return spec(connector);
  }
  // op: check | list_tables | read | write. call: {config, credentials, context, request}.
  // Never throws for a plugin's failure, crash or hang: those come back as !ok with a code.
  virtual CallResult call(const std::string& connector, const std::string& op, const nlohmann::json& call,
                          std::chrono::milliseconds timeout) = 0;
  // The same, with a successful result as text in `raw` (errors come parsed in `value` as above).
  virtual CallResult call_raw(const std::string& connector, const std::string& op, const nlohmann::json& call,
                              std::chrono::milliseconds timeout) {
    CallResult r = this->call(connector, op, call, timeout);
    if (r.ok) {
      r.raw = r.value.dump();
      r.value = nullptr;
    }
    return r;
  }
};

}  // namespace scratch::connectors

// Supervises connector-runner processes (see connector_runner.hpp): starts them, sends each contract
// call to a free one, enforces the call's deadline by killing a runner that overruns, and restarts a
// dead runner with exponential backoff. A plugin that segfaults, aborts or hangs fails its own call
// with a clear error; the server and the next call are unaffected.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "connectors/connectors.hpp"

namespace scratch::connectors {

class RunnerPool : public Connectors {
 public:
  struct Options {
    std::string executable;  // scratchd itself (or SCRATCHD_BIN in tests)
    std::vector<std::string> args = {"connector-runner"};
    std::map<std::string, std::string> env;          // added to (overriding) this process's environment
    int size = 2;                                    // concurrent calls
    std::chrono::milliseconds start_timeout{15000};  // for a runner to load plugins and say hello
  };
  explicit RunnerPool(Options options);
  ~RunnerPool() override;
  RunnerPool(const RunnerPool&) = delete;
  RunnerPool& operator=(const RunnerPool&) = delete;

  // Starts one runner to learn the catalog and logs each loaded or rejected plugin. Throws
  // std::runtime_error when no runner can start.
  void start();

  nlohmann::json catalog() const override;
  std::optional<nlohmann::json> spec(const std::string& connector) const override;
  CallResult call(const std::string& connector, const std::string& op, const nlohmann::json& call,
                  std::chrono::milliseconds timeout) override {
    return exchange(connector + "." + op, {{"connector", connector}, {"op", op}, {"call", call}}, timeout,
                    false);
  }
  CallResult call_raw(const std::string& connector, const std::string& op, const nlohmann::json& call,
                      std::chrono::milliseconds timeout) override {
    return exchange(connector + "." + op, {{"connector", connector}, {"op", op}, {"call", call}}, timeout,
                    true);
  }
  // A Lua connector's call (see lua_runner.hpp): `lua` is {script, name, limits, address_policy,
  // requests_per_second}; op is a contract function, "validate" or "test". The same supervision as plugins:
  // a runner stuck in a script past the deadline is killed (connector_timeout).
  CallResult call_lua(const nlohmann::json& lua, const std::string& op, const nlohmann::json& call,
                      std::chrono::milliseconds timeout) {
    return exchange("lua:" + lua.value("name", std::string("custom")) + "." + op,
                    {{"lua", lua}, {"op", op}, {"call", call}}, timeout, false);
  }

  int runner_restarts() const;

 private:
  // `request` is the message without its id; `what` names the call in errors and logs.
  CallResult exchange(const std::string& what, nlohmann::json request, std::chrono::milliseconds timeout,
                      bool raw);
  struct Slot {
    pid_t pid = -1;
    int to_runner = -1;
    int from_runner = -1;
    bool busy = false;
    int consecutive_failures = 0;
    std::chrono::steady_clock::time_point next_start{};
  };
  // Both run with the slot reserved (busy) and the mutex NOT held.
  std::optional<std::string> spawn(Slot& slot, std::chrono::steady_clock::time_point deadline);
  std::string reap(Slot& slot, bool kill_first);

  Options options_;
  mutable std::mutex mutex_;
  std::condition_variable slot_free_;
  std::vector<Slot> slots_;
  nlohmann::json catalog_;
  bool catalog_logged_ = false;
  int restarts_ = 0;
  unsigned long next_id_ = 1;
};

}  // namespace scratch::connectors

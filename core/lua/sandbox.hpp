// The Lua 5.4 sandbox for AI-written connector scripts: one fresh lua_State per Sandbox, only safe libraries,
// host modules (json, log, http, base64, url, time), and per-run limits (memory, instructions, wall time,
// HTTP calls and bytes, log volume) that the script cannot catch or disguise. See core/lua/README.md.
//
// A single C call that never returns (a pathological pattern match) is not interruptible in-process: run
// untrusted scripts in a runner process the host can kill. Not thread-safe: one Sandbox per thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace scratch::lua {

struct Limits {                              // safe defaults; every one configurable
  std::size_t memory_bytes = 64u << 20;      // allocator cap for the whole state
  std::uint64_t instructions = 200'000'000;  // VM instructions per run (count hook)
  std::chrono::milliseconds wall{30000};     // per run, checked in the hook (the runner kill covers C calls)
  int http_calls = 200;                      // per run
  std::size_t http_bytes = 64u << 20;        // response bytes per run
  std::size_t log_bytes = 256u << 10;        // captured log text per run (then lines are dropped, counted)
};

struct LogLine {
  std::string level;  // "debug" | "info" | "warn" | "error"
  std::string message;
  int line = 0;  // the script line that logged (0: unknown)
};

struct RunError {
  std::string kind;     // "syntax" | "runtime" | "limit" | "contract" | "host"
  std::string limit;    // for kind limit: "memory" | "instructions" | "time" | "http_calls" | "http_bytes"
  std::string message;  // the error text WITHOUT the "connector.lua:12: " prefix
  int line = 0, column = 0;  // where in the script (column: syntax errors only, when it can be told; else 0)
  std::string traceback;     // script frames only, one per line: "connector.lua:12: in function 'read'"
  std::string function;      // the contract function that was running ("read"...), if any
  // For kind runtime, the error's own code when it has one: a thrown {code=, message=, retryable=} table's
  // (code_source "script"), or the host's when the script let a failed http.request end the run
  // ("address_refused", "timeout"...: code_source "host"). Empty otherwise.
  std::string code;
  std::string code_source;
  bool retryable = false;
  nlohmann::json to_json() const;
};

// Thrown by the host's HttpFunction when there is no response (refused address, timeout...). The sandbox
// turns it into a Lua error the script can catch with pcall ("http.request failed (<code>): <message>").
struct HostError : std::runtime_error {
  std::string code;
  bool retryable = false;
  HostError(std::string c, const std::string& m, bool retryable = false);
};

// request {method, url, headers: {name: value}, body: string|null, timeout_ms} -> response
// {status, headers: {name: value}, body: string}. Any other exception ends the run with kind "host".
using HttpFunction = std::function<nlohmann::json(const nlohmann::json& request)>;

class Sandbox {
 public:
  Sandbox(Limits limits, HttpFunction http);  // a fresh state; nothing shared with any other Sandbox
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  // Loads the script text (text chunks only) under chunk name `name` and runs its top level (one run).
  std::optional<RunError> load(const std::string& script, const std::string& name = "connector.lua");
  // Type of a global (raw lookup, no metamethods): "function", "nil", "table"...
  std::string global_type(const std::string& name);

  struct Result {
    std::optional<nlohmann::json> value;
    std::optional<RunError> error;
    double duration_ms = 0;
  };
  // Calls global function `function` with `args` (JSON -> Lua) and converts its first result back (one run).
  Result call(const std::string& function, const std::vector<nlohmann::json>& args);

  const std::vector<LogLine>& logs() const;  // captured during all runs so far
  std::size_t dropped_log_lines() const;
  int http_calls_made() const;  // in the current (or last) run

  // Additions to the agreed shape (diagnostics and helper modules):
  // A Lua module (text) that `require(name)` returns; loaded lazily, in the sandbox, under the run's limits.
  void add_module(const std::string& name, const std::string& source);
  struct Stats {
    std::size_t memory_used = 0;     // bytes the state holds now
    std::size_t memory_peak = 0;     // highest since construction
    std::uint64_t instructions = 0;  // charged in the last run (hook granularity)
  };
  Stats stats() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace scratch::lua

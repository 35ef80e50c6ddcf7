// Shared between the sandbox's translation units; not part of the API.
#pragma once

#include <lua.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "lua/sandbox.hpp"

namespace scratch::lua {

// Why a run was stopped by the host. Sticky for the rest of the run: every protected boundary re-raises.
enum class Abort { none, memory, instructions, time, http_calls, http_bytes, host };

struct Frame {
  std::string source;  // short source ("connector.lua")
  int line = 0;
  std::string text;  // "connector.lua:12: in function 'read'"
};

struct Sandbox::Impl {
  Limits limits;
  HttpFunction http;
  lua_State* L = nullptr;
  std::string setup_error;

  // Memory (the allocator's user data is this Impl).
  std::size_t used = 0;
  std::size_t peak = 0;
  bool refusal_pending = false;  // a growth was refused; a second refusal of the same request is final
  const void* refused_ptr = nullptr;
  std::size_t refused_osize = 0, refused_nsize = 0;

  // The current run.
  Abort abort = Abort::none;
  std::string abort_detail;
  std::uint64_t instructions = 0;
  std::chrono::steady_clock::time_point deadline{};
  int http_calls = 0;
  std::size_t http_bytes = 0;
  std::size_t log_bytes = 0;
  int last_line = 0;  // last script line the hook saw (where a memory error happened, roughly)
  // The last http.request failure raised into the script, so an uncaught one keeps the host's code.
  std::string http_failure_text;
  std::string http_failure_code;
  bool http_failure_retryable = false;
  bool running = false;
  // Patterns already checked by the pattern guard (a small ring, by content) and calls since the last clock
  // read.
  std::array<const char*, 8> checked_patterns{};  // their strings are anchored in ref_patterns
  std::size_t next_checked_pattern = 0;
  std::uint32_t pattern_calls = 0;
  std::string function;       // the contract function running
  std::vector<Frame> frames;  // captured by the message handler
  std::string chunk;          // short source of the script

  std::vector<LogLine> logs;
  std::size_t dropped_logs = 0;
  std::map<std::string, std::string> module_sources;

  // Registry references.
  int ref_null = LUA_NOREF;         // json.null
  int ref_array_marks = LUA_NOREF;  // weak-keyed set of tables that encode as JSON arrays
  int ref_loaded = LUA_NOREF;       // require's cache
  int ref_patterns = LUA_NOREF;     // the pattern guard's checked strings, kept alive
  int ref_limit_message = LUA_NOREF;

  void begin_run(const std::string& fn);
  // Sets the sticky abort (first reason wins) and raises; never returns.
  [[noreturn]] void raise_limit(lua_State* L, Abort why, const std::string& detail = {});
  // Charges `n` instructions and checks the deadline; raises a limit when over.
  void charge(lua_State* L, std::uint64_t n);
  bool is_script_source(const char* source) const;
  int current_script_line(lua_State* L, int first_level) const;
};

// The hook granularity: the count hook fires every kHookCount VM instructions; creating a coroutine is
// charged the same (a fresh thread starts with a full count, so short coroutines would otherwise run
// uncharged).
inline constexpr int kHookCount = 1000;
inline constexpr int kMaxJsonDepth = 200;

Sandbox::Impl* impl_of(lua_State* L);
void count_hook(lua_State* L, lua_Debug* ar);

// JSON bridge (json_bridge.cpp).
struct ConvertError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// Lua value at idx -> JSON. Throws ConvertError ("$.records[3]: cannot convert a function value"); charges
// the produced size against the memory limit (raises a limit when over). No metamethods run.
nlohmann::json to_json(lua_State* L, int idx);
// Pushes JSON as Lua (arrays marked so they encode back as arrays). Throws ConvertError when too deep.
void push_json(lua_State* L, const nlohmann::json& value);
void open_json(lua_State* L);  // leaves the json module table on the stack

// Host modules (host_modules.cpp); each leaves its module table on the stack.
void open_log(lua_State* L);
void open_http(lua_State* L);
void open_base64(lua_State* L);
void open_url(lua_State* L);
void open_time(lua_State* L);
int l_print(lua_State* L);

// Raises a Lua error with message `text` (copied before the raise).
[[noreturn]] void raise_error(lua_State* L, const std::string& text);

}  // namespace scratch::lua

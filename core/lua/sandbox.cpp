// The sandbox: the state and its allocator, the count hook, the restricted standard library, runs and errors.
#include "lua/sandbox.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <limits>
#include <utility>

#include "lua/internal.hpp"

namespace scratch::lua {

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

constexpr std::size_t kMaxPatternBytes = 2048;
constexpr int kMaxPatternRepetitions = 16;
constexpr int kMaxTracebackFrames = 20;
constexpr int kMaxStackWalk = 64;

// ---- memory ----------------------------------------------------------------------------------------------

// The allocator: a hard cap on everything the state holds. Lua retries a refused allocation once after an
// emergency full collection; only a refusal of that retry (or of anything after a memory abort) is final and
// sticks as the run's abort reason. A shrink or a free never fails.
void* sandbox_alloc(void* ud, void* ptr, std::size_t osize, std::size_t nsize) {
  auto* s = static_cast<Sandbox::Impl*>(ud);
  if (ptr == nullptr) osize = 0;  // then osize is a type tag, not a size
  if (nsize == 0) {
    std::free(ptr);
    s->used -= std::min(osize, s->used);
    return nullptr;
  }
  if (nsize > osize) {
    const std::size_t grow = nsize - osize;
    if (grow > s->limits.memory_bytes || s->used > s->limits.memory_bytes - grow) {
      const bool retry = s->refusal_pending && s->refused_ptr == ptr && s->refused_osize == osize &&
                         s->refused_nsize == nsize;
      if (retry || s->abort != Abort::none) {
        if (s->abort == Abort::none) {
          s->abort = Abort::memory;
          s->abort_detail = "memory limit exceeded (" + std::to_string(s->limits.memory_bytes) + " bytes)";
        }
        s->refusal_pending = false;
      } else {
        s->refusal_pending = true;
        s->refused_ptr = ptr;
        s->refused_osize = osize;
        s->refused_nsize = nsize;
      }
      return nullptr;
    }
  }
  void* block = std::realloc(ptr, nsize);
  if (block == nullptr) {
    if (nsize <= osize) {  // a shrink must not fail: keep the old block
      s->used = s->used - osize + nsize;
      return ptr;
    }
    return nullptr;
  }
  s->used = s->used - osize + nsize;
  s->peak = std::max(s->peak, s->used);
  if (nsize > osize) s->refusal_pending = false;
  return block;
}

const char* limit_name(Abort a) {
  switch (a) {
    case Abort::memory:
      return "memory";
    case Abort::instructions:
      return "instructions";
    case Abort::time:
      return "time";
    case Abort::http_calls:
      return "http_calls";
    case Abort::http_bytes:
      return "http_bytes";
    default:
      return "";
  }
}

// ---- replaced base functions -----------------------------------------------------------------------------

// A protected call that never catches a host abort (limits): the error is raised again at once.
int finish_pcall(lua_State* L, int status, lua_KContext extra) {
  if (status != LUA_OK && status != LUA_YIELD) {
    Sandbox::Impl* s = impl_of(L);
    if (status == LUA_ERRMEM && s->abort == Abort::none) s->raise_limit(L, Abort::memory);
    if (s->abort != Abort::none) s->raise_limit(L, s->abort);
    lua_pushboolean(L, 0);
    lua_pushvalue(L, -2);
    return 2;
  }
  return lua_gettop(L) - static_cast<int>(extra);
}

int l_pcall(lua_State* L) {
  luaL_checkany(L, 1);
  lua_pushboolean(L, 1);
  lua_insert(L, 1);
  const int status = lua_pcallk(L, lua_gettop(L) - 2, LUA_MULTRET, 0, 0, finish_pcall);
  return finish_pcall(L, status, 0);
}

// xpcall runs the handler AFTER unwinding, as an ordinary (metered) call: Lua runs a real message handler
// with hooks off when the error came from the count hook, so the script's handler never runs there.
int finish_xpcall(lua_State* L, int status, lua_KContext extra) {
  if (status != LUA_OK && status != LUA_YIELD) {
    Sandbox::Impl* s = impl_of(L);
    if (status == LUA_ERRMEM && s->abort == Abort::none) s->raise_limit(L, Abort::memory);
    if (s->abort != Abort::none) s->raise_limit(L, s->abort);
    // stack: handler, true, error
    lua_pushvalue(L, 1);
    lua_pushvalue(L, -2);
    const int handled = lua_pcall(L, 1, 1, 0);
    if (handled != LUA_OK) {
      if (handled == LUA_ERRMEM && s->abort == Abort::none) s->raise_limit(L, Abort::memory);
      if (s->abort != Abort::none) s->raise_limit(L, s->abort);
    }
    lua_pushboolean(L, 0);
    lua_insert(L, -2);
    return 2;
  }
  return lua_gettop(L) - static_cast<int>(extra);
}

int l_xpcall(lua_State* L) {
  const int n = lua_gettop(L);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_pushboolean(L, 1);
  lua_pushvalue(L, 1);
  lua_rotate(L, 3, 2);  // f, handler, true, f, args...
  lua_remove(L, 1);     // handler, true, f, args...
  const int status = lua_pcallk(L, n - 2, LUA_MULTRET, 0, 1, finish_xpcall);
  return finish_xpcall(L, status, 1);
}

// setmetatable without __gc: finalizers run with hooks disabled (unmetered), also inside lua_close.
int l_setmetatable(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  const int t = lua_type(L, 2);
  luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
  if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL) {
    return luaL_error(L, "cannot change a protected metatable");
  }
  if (t == LUA_TTABLE) {
    lua_pushliteral(L, "__gc");
    if (lua_rawget(L, 2) != LUA_TNIL) {
      return luaL_error(L, "setmetatable: __gc metamethods are not allowed in the sandbox");
    }
    lua_pop(L, 1);
  }
  lua_settop(L, 2);
  lua_setmetatable(L, 1);
  return 1;
}

// collectgarbage("count") only; the other options are accepted and do nothing (a full collection is a long
// C call the count hook cannot see).
int l_collectgarbage(lua_State* L) {
  static const char* const options[] = {"collect",      "stop",        "restart",    "count",
                                        "step",         "setpause",    "setstepmul", "isrunning",
                                        "generational", "incremental", nullptr};
  const int o = luaL_checkoption(L, 1, "collect", options);
  switch (o) {
    case 3:
      lua_pushnumber(L, lua_gc(L, LUA_GCCOUNT) + lua_gc(L, LUA_GCCOUNTB) / 1024.0);
      return 1;
    case 7:
      lua_pushboolean(L, 1);
      return 1;
    case 8:
    case 9:
      lua_pushliteral(L, "incremental");
      return 1;
    default:
      lua_pushinteger(L, 0);
      return 1;
  }
}

// Calls the original C function (upvalue 1) with this call's arguments.
int call_original(lua_State* L) {
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

// coroutine.create/wrap: a new thread copies the hook with a full count, so charge one hook period up front.
int l_co_create(lua_State* L) {
  impl_of(L)->charge(L, kHookCount);
  return call_original(L);
}

// coroutine.resume/close catch errors inside the coroutine: re-raise an abort.
int l_co_resume(lua_State* L) {
  const int n = call_original(L);
  Sandbox::Impl* s = impl_of(L);
  if (s->abort != Abort::none) s->raise_limit(L, s->abort);
  return n;
}

// string.rep: refuse a result larger than the memory left before building it; rep of "" is "".
int l_string_rep(lua_State* L) {
  std::size_t len = 0, seplen = 0;
  luaL_checklstring(L, 1, &len);
  const lua_Integer n = luaL_checkinteger(L, 2);
  luaL_optlstring(L, 3, "", &seplen);
  if (n <= 0 || len + seplen == 0) {
    lua_pushliteral(L, "");
    return 1;
  }
  Sandbox::Impl* s = impl_of(L);
  const auto count = static_cast<std::uint64_t>(n);
  const std::uint64_t unit = static_cast<std::uint64_t>(len) + seplen;
  const std::size_t left = s->limits.memory_bytes - std::min(s->used, s->limits.memory_bytes);
  if (unit > std::numeric_limits<std::uint64_t>::max() / count || unit * count > left) {
    s->raise_limit(L, Abort::memory,
                   "memory limit exceeded: string.rep would build more than the " + std::to_string(left) +
                       " bytes left");
  }
  return call_original(L);
}

// table.move/insert/remove loop in C: charge the elements they will touch.
int l_table_move(lua_State* L) {
  const lua_Integer f = luaL_checkinteger(L, 2);
  const lua_Integer e = luaL_checkinteger(L, 3);
  if (e >= f) {
    const auto count = static_cast<std::uint64_t>(e) - static_cast<std::uint64_t>(f) + 1;
    impl_of(L)->charge(L, std::min<std::uint64_t>(count, std::uint64_t{1} << 62));
  }
  return call_original(L);
}

int l_table_shift(lua_State* L) {
  if (lua_type(L, 1) == LUA_TTABLE && lua_gettop(L) >= 2) {
    impl_of(L)->charge(L, lua_rawlen(L, 1));
  }
  return call_original(L);
}

// Pattern functions: the matcher is C code the count hook never sees, so the worst patterns are refused up
// front (length and repetition count). What remains unbounded (one huge backtracking match) is ended by the
// runner's watchdog at the wall limit (core/connectors/lua_watchdog.hpp).
bool pattern_acceptable(lua_State* L, const char* p, std::size_t len) {
  if (len > kMaxPatternBytes) {
    luaL_error(L, "pattern too long (%d bytes; at most %d)", static_cast<int>(len),
               static_cast<int>(kMaxPatternBytes));
  }
  int repetitions = 0;
  for (std::size_t i = 0; i < len; ++i) {
    if (p[i] == '%') {
      ++i;
    } else if (p[i] == '[') {  // skip a set: []...] and [^]...] start with a literal ]
      ++i;
      if (i < len && p[i] == '^') ++i;
      if (i < len && p[i] == ']') ++i;
      while (i < len && p[i] != ']') {
        if (p[i] == '%') ++i;
        ++i;
      }
    } else if (p[i] == '*' || p[i] == '+' || p[i] == '-' || p[i] == '?') {
      ++repetitions;
    }
  }
  if (repetitions > kMaxPatternRepetitions) {
    luaL_error(L, "pattern too complex (%d repetition items; at most %d)", repetitions,
               kMaxPatternRepetitions);
  }
  return true;
}

int l_pattern_guard(lua_State* L) {
  Sandbox::Impl* s = impl_of(L);
  std::size_t len = 0;
  const char* p = lua_type(L, 2) == LUA_TSTRING ? lua_tolstring(L, 2, &len) : nullptr;
  if (p != nullptr && !(lua_toboolean(L, 4) && lua_toboolean(L, lua_upvalueindex(2)))) {
    // Parsers call find/match in tight loops with a handful of patterns: the last ones checked are kept
    // alive in the registry, so the same address is the same (immutable) string and needs no new check.
    auto& seen = s->checked_patterns;
    bool known = false;
    for (const char* q : seen) {
      if (q == p) {
        known = true;
        break;
      }
    }
    if (!known) {
      pattern_acceptable(L, p, len);  // raises for a pattern too long or too complex
      const std::size_t slot = s->next_checked_pattern;
      s->next_checked_pattern = (slot + 1) % seen.size();
      lua_rawgeti(L, LUA_REGISTRYINDEX, s->ref_patterns);
      lua_pushvalue(L, 2);
      lua_rawseti(L, -2, static_cast<lua_Integer>(slot) + 1);  // anchors it; the one it replaces may go
      lua_pop(L, 1);
      seen[slot] = p;
    }
  }
  // A loop of slow matches runs few VM instructions between two hooks, so each call reads the clock; the
  // coarse clock (a few ns, millisecond resolution) keeps that cheap. The full charge, with the precise
  // clock, runs every 32 calls.
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
  if (std::chrono::seconds(now.tv_sec) + std::chrono::nanoseconds(now.tv_nsec) >=
      s->deadline.time_since_epoch())
    s->charge(L, 1);  // raises the time limit if the precise clock agrees
  if ((++s->pattern_calls & 31) == 0) s->charge(L, 32);
  // The original string function, called in this frame: it sees the same arguments and uses no upvalues.
  return lua_tocfunction(L, lua_upvalueindex(1))(L);
}

// require: our modules by name, plus modules the host added (text, loaded once, in the sandbox).
int l_require(lua_State* L) {
  const std::string name = luaL_checkstring(L, 1);
  Sandbox::Impl* s = impl_of(L);
  lua_rawgeti(L, LUA_REGISTRYINDEX, s->ref_loaded);
  if (lua_getfield(L, -1, name.c_str()) != LUA_TNIL) return 1;
  lua_pop(L, 1);
  const auto it = s->module_sources.find(name);
  if (it == s->module_sources.end()) {
    std::string known = "json, http, log, base64, url, time, string, table, math, utf8, coroutine";
    for (const auto& [m, _] : s->module_sources)
      known += ", " + m;
    raise_error(L, "module '" + name + "' not found (available: " + known + ")");
  }
  const std::string chunk = "=" + name;
  if (luaL_loadbufferx(L, it->second.data(), it->second.size(), chunk.c_str(), "t") != LUA_OK) {
    return lua_error(L);
  }
  lua_call(L, 0, 1);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    lua_pushboolean(L, 1);
  }
  lua_pushvalue(L, -1);
  lua_setfield(L, -3, name.c_str());
  return 1;
}

void set_function(lua_State* L, int table, const char* name, lua_CFunction f) {
  table = lua_absindex(L, table);
  lua_pushcfunction(L, f);
  lua_setfield(L, table, name);
}

// Replaces table[name] by a closure of `wrapper` over the original (and an optional second upvalue).
void wrap_function(lua_State* L, int table, const char* name, lua_CFunction wrapper, int extra = -1) {
  table = lua_absindex(L, table);
  lua_getfield(L, table, name);
  int n = 1;
  if (extra >= 0) {
    lua_pushboolean(L, extra);
    n = 2;
  }
  lua_pushcclosure(L, wrapper, n);
  lua_setfield(L, table, name);
}

int setup_state(lua_State* L) {
  auto* s = static_cast<Sandbox::Impl*>(lua_touserdata(L, 1));
  luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
  luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
  luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
  luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
  luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
  luaL_requiref(L, LUA_COLIBNAME, luaopen_coroutine, 1);
  lua_settop(L, 1);

  lua_pushglobaltable(L);
  const int g = lua_gettop(L);
  for (const char* name : {"dofile", "loadfile", "load", "warn"}) {
    lua_pushnil(L);
    lua_setfield(L, g, name);
  }
  set_function(L, g, "pcall", l_pcall);
  set_function(L, g, "xpcall", l_xpcall);
  set_function(L, g, "setmetatable", l_setmetatable);
  set_function(L, g, "collectgarbage", l_collectgarbage);
  set_function(L, g, "print", l_print);
  set_function(L, g, "require", l_require);

  lua_getfield(L, g, LUA_STRLIBNAME);  // the real string table (also the string metatable's __index)
  lua_pushnil(L);
  lua_setfield(L, -2, "dump");
  wrap_function(L, -1, "rep", l_string_rep);
  wrap_function(L, -1, "find", l_pattern_guard, 1);
  for (const char* name : {"match", "gmatch", "gsub"})
    wrap_function(L, -1, name, l_pattern_guard, 0);
  lua_pop(L, 1);

  lua_getfield(L, g, LUA_TABLIBNAME);
  wrap_function(L, -1, "move", l_table_move);
  wrap_function(L, -1, "insert", l_table_shift);
  wrap_function(L, -1, "remove", l_table_shift);
  lua_pop(L, 1);

  lua_getfield(L, g, LUA_COLIBNAME);
  wrap_function(L, -1, "create", l_co_create);
  wrap_function(L, -1, "wrap", l_co_create);
  wrap_function(L, -1, "resume", l_co_resume);
  wrap_function(L, -1, "close", l_co_resume);
  lua_pop(L, 1);

  // The string metatable: unreachable (getmetatable("") answers false) and locked against setmetatable.
  lua_pushliteral(L, "");
  lua_getmetatable(L, -1);
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 2);

  lua_newtable(L);  // require's cache
  const int loaded = lua_gettop(L);
  for (const char* name : {LUA_STRLIBNAME, LUA_TABLIBNAME, LUA_MATHLIBNAME, LUA_UTF8LIBNAME, LUA_COLIBNAME}) {
    lua_getfield(L, g, name);
    lua_setfield(L, loaded, name);
  }
  const std::pair<const char*, void (*)(lua_State*)> modules[] = {
      {"json", open_json},     {"log", open_log}, {"http", open_http},
      {"base64", open_base64}, {"url", open_url}, {"time", open_time}};
  for (const auto& [name, open] : modules) {
    open(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, loaded, name);
    lua_setfield(L, g, name);
  }
  lua_pushvalue(L, loaded);
  s->ref_loaded = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_createtable(L, static_cast<int>(s->checked_patterns.size()), 0);
  s->ref_patterns = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_pushliteral(L, "sandbox limit exceeded");
  s->ref_limit_message = luaL_ref(L, LUA_REGISTRYINDEX);
  return 0;
}

// ---- errors ----------------------------------------------------------------------------------------------

// The message handler: records the script frames (no allocation in the state, no script code) and returns
// the error object untouched.
int message_handler(lua_State* L) {
  Sandbox::Impl* s = impl_of(L);
  s->frames.clear();
  lua_Debug ar;
  for (int level = 1; level < kMaxStackWalk && lua_getstack(L, level, &ar); ++level) {
    if (!lua_getinfo(L, "Sln", &ar) || !s->is_script_source(ar.source)) continue;
    if (static_cast<int>(s->frames.size()) >= kMaxTracebackFrames) break;
    Frame f;
    f.source = ar.short_src;
    f.line = ar.currentline;
    std::string where;
    const std::string name = ar.name ? ar.name : "";
    const std::string what = ar.namewhat ? ar.namewhat : "";
    if (what == "global" || what == "field") {
      where = "function '" + name + "'";
    } else if (!what.empty()) {
      where = what + " '" + name + "'";
    } else if (std::strcmp(ar.what, "main") == 0) {
      where = "main chunk";
    } else {
      where = "function <" + f.source + ":" + std::to_string(ar.linedefined) + ">";
    }
    f.text = f.source + ":" + std::to_string(f.line) + ": in " + where;
    s->frames.push_back(std::move(f));
    // Called by the host (no name from code): the contract function.
    lua_Debug caller;
    if (what.empty() && std::strcmp(ar.what, "main") != 0 && !s->function.empty() &&
        lua_getstack(L, level + 1, &caller) && lua_getinfo(L, "S", &caller) && caller.what[0] == 'C' &&
        !lua_getstack(L, level + 2, &caller)) {
      Frame& last = s->frames.back();
      last.text = last.source + ":" + std::to_string(last.line) + ": in function '" + s->function + "'";
    }
  }
  lua_settop(L, 1);
  return 1;
}

std::string number_text(lua_State* L, int idx) {
  if (lua_isinteger(L, idx)) return std::to_string(lua_tointeger(L, idx));
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.14g", lua_tonumber(L, idx));
  return buf;
}

// The error value as plain text, without running any script code (no __tostring, no __index).
std::string error_text(lua_State* L, int idx) {
  switch (lua_type(L, idx)) {
    case LUA_TSTRING: {
      std::size_t len = 0;
      const char* p = lua_tolstring(L, idx, &len);
      return std::string(p, len);
    }
    case LUA_TNUMBER:
      return number_text(L, idx);
    case LUA_TTABLE: {
      lua_pushliteral(L, "message");
      const bool has = lua_rawget(L, idx < 0 ? idx - 1 : idx) == LUA_TSTRING;
      std::string text = has ? lua_tostring(L, -1) : "(error object is a table value)";
      lua_pop(L, 1);
      return text;
    }
    default:
      return std::string("(error object is a ") + luaL_typename(L, idx) + " value)";
  }
}

// "connector.lua:12: text" -> (12, "text") when the prefix names the script; strips any chunk prefix.
std::pair<int, std::string> split_position(const std::string& message, const std::string& chunk) {
  const std::size_t colon = message.find(':');
  if (colon == std::string::npos || colon == 0 || colon > LUA_IDSIZE) return {0, message};
  std::size_t i = colon + 1;
  std::size_t digits = 0;
  while (i < message.size() && std::isdigit(static_cast<unsigned char>(message[i])))
    ++i, ++digits;
  if (digits == 0 || digits > 9 || i >= message.size() || message[i] != ':') return {0, message};
  const std::string source = message.substr(0, colon);
  const int line = std::atoi(message.substr(colon + 1, digits).c_str());
  std::string rest = message.substr(i + 1);
  if (!rest.empty() && rest[0] == ' ') rest.erase(0, 1);
  return {source == chunk ? line : -1, rest};
}

std::string join_frames(const std::vector<Frame>& frames) {
  std::string out;
  for (const Frame& f : frames) {
    if (!out.empty()) out += '\n';
    out += f.text;
  }
  return out;
}

// Builds the RunError for a failed run; the error value (if any) is at the top of the stack.
RunError make_error(Sandbox::Impl* s, lua_State* L, int status, bool has_value) {
  RunError e;
  e.function = s->function;
  if (status == LUA_ERRMEM && s->abort == Abort::none) {
    s->abort = Abort::memory;
    s->abort_detail = "memory limit exceeded (" + std::to_string(s->limits.memory_bytes) + " bytes)";
  }
  int first_script_line = 0;
  for (const Frame& f : s->frames) {
    if (f.source == s->chunk) {
      first_script_line = f.line;
      break;
    }
  }
  e.traceback = join_frames(s->frames);
  if (s->abort != Abort::none) {
    e.kind = s->abort == Abort::host ? "host" : "limit";
    e.limit = limit_name(s->abort);
    e.message = s->abort_detail;
    e.line = first_script_line != 0 ? first_script_line : s->last_line;
    return e;
  }
  e.kind = "runtime";
  const std::string text = has_value ? error_text(L, -1) : "unknown error";
  auto [line, rest] = split_position(text, s->chunk);
  e.message = rest;
  if (has_value && lua_type(L, -1) == LUA_TTABLE) {
    // error({code=, message=, retryable=}): the script's own error, as a plugin would return it. Raw reads
    // only: no metamethod of the script runs here.
    lua_pushliteral(L, "code");
    if (lua_rawget(L, -2) == LUA_TSTRING) {
      e.code = lua_tostring(L, -1);
      e.code_source = "script";
      lua_pushliteral(L, "retryable");
      e.retryable = lua_rawget(L, -3) == LUA_TBOOLEAN && lua_toboolean(L, -1);
      lua_pop(L, 1);
      if (e.message == "(error object is a table value)") e.message = e.code;
    }
    lua_pop(L, 1);
  } else if (has_value && lua_type(L, -1) == LUA_TSTRING && !s->http_failure_text.empty() &&
             text == s->http_failure_text) {
    e.code = s->http_failure_code;  // the refused or failed request itself, not a look-alike string
    e.code_source = "host";
    e.retryable = s->http_failure_retryable;
  }
  e.line = line > 0 ? line : first_script_line;
  if (e.line == 0) e.line = s->last_line;
  if (status == LUA_ERRERR && e.message.empty()) e.message = "error in error handling";
  return e;
}

// Column of a syntax error, when the message names a token that occurs exactly once on that line.
int syntax_column(const std::string& script, int line, const std::string& message) {
  const std::size_t near = message.rfind(" near ");
  if (near == std::string::npos || line <= 0) return 0;
  std::string token = message.substr(near + 6);
  // Find the line text.
  std::size_t start = 0;
  for (int l = 1; l < line; ++l) {
    start = script.find('\n', start);
    if (start == std::string::npos) return 0;
    ++start;
  }
  std::size_t end = script.find('\n', start);
  if (end == std::string::npos) end = script.size();
  const std::string text = script.substr(start, end - start);
  if (token == "<eof>") return static_cast<int>(text.size()) + 1;
  if (token.size() >= 2 && token.front() == '\'' && token.back() == '\'')
    token = token.substr(1, token.size() - 2);
  if (token.empty()) return 0;
  const auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  const bool word = std::all_of(token.begin(), token.end(), is_word);
  std::size_t found = std::string::npos;
  int count = 0;
  for (std::size_t pos = text.find(token); pos != std::string::npos; pos = text.find(token, pos + 1)) {
    if (word && ((pos > 0 && is_word(text[pos - 1])) ||
                 (pos + token.size() < text.size() && is_word(text[pos + token.size()])))) {
      continue;
    }
    if (++count == 1) found = pos;
  }
  return count == 1 ? static_cast<int>(found) + 1 : 0;
}

RunError host_error(const std::string& message, const std::string& function = {}) {
  RunError e;
  e.kind = "host";
  e.message = message;
  e.function = function;
  return e;
}

// ---- runs ------------------------------------------------------------------------------------------------

struct LoadContext {
  Sandbox::Impl* s;
  const std::string* script;
  std::optional<RunError> error;
};

int load_trampoline(lua_State* L) {
  auto* c = static_cast<LoadContext*>(lua_touserdata(L, 1));
  Sandbox::Impl* s = c->s;
  lua_pushcfunction(L, message_handler);
  const std::string chunk = "=" + s->chunk;
  const int status = luaL_loadbufferx(L, c->script->data(), c->script->size(), chunk.c_str(), "t");
  if (status != LUA_OK) {
    if (status == LUA_ERRMEM) {
      c->error = make_error(s, L, status, false);
      return 0;
    }
    RunError e;
    e.kind = "syntax";
    auto [line, rest] = split_position(error_text(L, -1), s->chunk);
    e.line = std::max(line, 0);
    e.message = rest;
    e.column = syntax_column(*c->script, e.line, e.message);
    c->error = e;
    return 0;
  }
  const int run = lua_pcall(L, 0, 0, 2);
  if (run != LUA_OK) c->error = make_error(s, L, run, true);
  return 0;
}

struct CallContext {
  Sandbox::Impl* s;
  const std::string* function;
  const std::vector<json>* args;
  Sandbox::Result* result;
};

int call_trampoline(lua_State* L) {
  auto* c = static_cast<CallContext*>(lua_touserdata(L, 1));
  Sandbox::Impl* s = c->s;
  lua_pushcfunction(L, message_handler);  // 2
  lua_pushglobaltable(L);
  lua_pushlstring(L, c->function->data(), c->function->size());
  const int type = lua_rawget(L, -2);
  lua_remove(L, -2);
  if (type != LUA_TFUNCTION) {
    RunError e;
    e.kind = "contract";
    e.function = *c->function;
    e.message = type == LUA_TNIL
                    ? "function '" + *c->function + "' is not defined"
                    : "global '" + *c->function + "' is a " + lua_typename(L, type) + ", not a function";
    c->result->error = e;
    return 0;
  }
  luaL_checkstack(L, static_cast<int>(c->args->size()) + 8, "too many arguments");
  std::string convert_error;
  try {
    for (const json& arg : *c->args)
      push_json(L, arg);
  } catch (const ConvertError& e) {
    convert_error = e.what();
  }
  if (!convert_error.empty()) {
    c->result->error = host_error("cannot pass the arguments to Lua: " + convert_error, *c->function);
    return 0;
  }
  const int status = lua_pcall(L, static_cast<int>(c->args->size()), 1, 2);
  if (status != LUA_OK) {
    c->result->error = make_error(s, L, status, true);
    return 0;
  }
  try {
    c->result->value = to_json(L, -1);
  } catch (const ConvertError& e) {
    convert_error = e.what();
  }
  if (!convert_error.empty()) {
    RunError e;
    e.kind = "contract";
    e.function = *c->function;
    e.message = "the result of " + *c->function + "() cannot be converted to JSON: " + convert_error;
    c->result->error = e;
  }
  return 0;
}

struct TypeContext {
  const std::string* name;
  const char* type = "nil";
};

int type_trampoline(lua_State* L) {
  auto* c = static_cast<TypeContext*>(lua_touserdata(L, 1));
  lua_pushglobaltable(L);
  lua_pushlstring(L, c->name->data(), c->name->size());
  c->type = lua_typename(L, lua_rawget(L, -2));
  return 0;
}

}  // namespace

// ---- Impl ------------------------------------------------------------------------------------------------

Sandbox::Impl* impl_of(lua_State* L) {
  void* ud = nullptr;
  lua_getallocf(L, &ud);
  return static_cast<Sandbox::Impl*>(ud);
}

void count_hook(lua_State* L, lua_Debug* ar) {
  Sandbox::Impl* s = impl_of(L);
  if (s->abort != Abort::none) s->raise_limit(L, s->abort);
  if (lua_getinfo(L, "Sl", ar) && s->is_script_source(ar->source) && ar->short_src == s->chunk) {
    s->last_line = ar->currentline;
  }
  s->charge(L, static_cast<std::uint64_t>(lua_gethookcount(L)));
}

void Sandbox::Impl::begin_run(const std::string& fn) {
  abort = Abort::none;
  abort_detail.clear();
  instructions = 0;
  deadline = Clock::now() + limits.wall;
  http_calls = 0;
  http_bytes = 0;
  log_bytes = 0;
  last_line = 0;
  http_failure_text.clear();
  http_failure_code.clear();
  http_failure_retryable = false;
  refusal_pending = false;
  function = fn;
  frames.clear();
  lua_sethook(L, count_hook, LUA_MASKCOUNT, kHookCount);
}

void Sandbox::Impl::raise_limit(lua_State* L, Abort why, const std::string& detail) {
  if (abort == Abort::none) {
    abort = why;
    if (!detail.empty()) {
      abort_detail = detail;
    } else {
      switch (why) {
        case Abort::memory:
          abort_detail = "memory limit exceeded (" + std::to_string(limits.memory_bytes) + " bytes)";
          break;
        case Abort::instructions:
          abort_detail =
              "instruction limit exceeded (" + std::to_string(limits.instructions) + " instructions)";
          break;
        case Abort::time:
          abort_detail = "time limit exceeded (" + std::to_string(limits.wall.count()) + " ms)";
          break;
        case Abort::http_calls:
          abort_detail = "http call limit exceeded (" + std::to_string(limits.http_calls) + " calls per run)";
          break;
        case Abort::http_bytes:
          abort_detail = "http byte limit exceeded (" + std::to_string(limits.http_bytes) + " bytes per run)";
          break;
        default:
          abort_detail = "the host failed";
      }
    }
  }
  // Sticky: the hook fires on the very next instruction of this thread and raises again.
  lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
  lua_rawgeti(L, LUA_REGISTRYINDEX, ref_limit_message);
  lua_error(L);
  std::abort();  // not reached: lua_error does not return
}

void Sandbox::Impl::charge(lua_State* L, std::uint64_t n) {
  instructions += n;
  if (instructions > limits.instructions) raise_limit(L, Abort::instructions);
  if (Clock::now() > deadline) raise_limit(L, Abort::time);
}

bool Sandbox::Impl::is_script_source(const char* source) const {
  return source != nullptr && source[0] == '=' && std::strcmp(source, "=[C]") != 0 &&
         std::strcmp(source, "=?") != 0;
}

int Sandbox::Impl::current_script_line(lua_State* L, int first_level) const {
  lua_Debug ar;
  for (int level = first_level; level < kMaxStackWalk && lua_getstack(L, level, &ar); ++level) {
    if (lua_getinfo(L, "Sl", &ar) && is_script_source(ar.source) && chunk == ar.short_src) {
      return ar.currentline;
    }
  }
  return 0;
}

void raise_error(lua_State* L, const std::string& text) {
  lua_pushlstring(L, text.data(), text.size());
  lua_error(L);
  std::abort();
}

// ---- public ----------------------------------------------------------------------------------------------

HostError::HostError(std::string c, const std::string& m, bool r)
    : std::runtime_error(m), code(std::move(c)), retryable(r) {}

json RunError::to_json() const {
  json j = {{"kind", kind}, {"message", message}, {"line", line}, {"column", column}};
  if (!limit.empty()) j["limit"] = limit;
  if (!traceback.empty()) j["traceback"] = traceback;
  if (!function.empty()) j["function"] = function;
  if (!code.empty()) {
    j["code"] = code;
    j["code_source"] = code_source;
    j["retryable"] = retryable;
  }
  return j;
}

Sandbox::Sandbox(Limits limits, HttpFunction http) : impl_(std::make_unique<Impl>()) {
  impl_->limits = limits;
  impl_->http = std::move(http);
  impl_->chunk = "connector.lua";
  lua_State* L = lua_newstate(sandbox_alloc, impl_.get());
  if (L == nullptr) {
    impl_->setup_error = "cannot create a Lua state within the memory limit";
    return;
  }
  impl_->L = L;
  lua_pushcfunction(L, setup_state);
  lua_pushlightuserdata(L, impl_.get());
  if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
    impl_->setup_error = "cannot set up the sandbox: " + error_text(L, -1);
    lua_close(L);
    impl_->L = nullptr;
  }
}

Sandbox::~Sandbox() {
  if (impl_ && impl_->L) lua_close(impl_->L);
}

std::optional<RunError> Sandbox::load(const std::string& script, const std::string& name) {
  Impl* s = impl_.get();
  if (s->L == nullptr) return host_error(s->setup_error);
  if (s->running) return host_error("the sandbox is already running");
  s->chunk = name.substr(0, LUA_IDSIZE - 1);
  s->running = true;
  s->begin_run("");
  LoadContext c{s, &script, std::nullopt};
  lua_State* L = s->L;
  lua_settop(L, 0);
  lua_pushcfunction(L, load_trampoline);
  lua_pushlightuserdata(L, &c);
  const int status = lua_pcall(L, 1, 0, 0);
  if (status != LUA_OK) c.error = make_error(s, L, status, true);
  lua_settop(L, 0);
  s->running = false;
  return c.error;
}

std::string Sandbox::global_type(const std::string& name) {
  Impl* s = impl_.get();
  if (s->L == nullptr || s->running) return "nil";
  TypeContext c{&name};
  lua_settop(s->L, 0);
  lua_pushcfunction(s->L, type_trampoline);
  lua_pushlightuserdata(s->L, &c);
  const int status = lua_pcall(s->L, 1, 0, 0);
  lua_settop(s->L, 0);
  return status == LUA_OK ? c.type : "nil";
}

Sandbox::Result Sandbox::call(const std::string& function, const std::vector<json>& args) {
  Result result;
  Impl* s = impl_.get();
  const auto start = Clock::now();
  if (s->L == nullptr) {
    result.error = host_error(s->setup_error, function);
    return result;
  }
  if (s->running) {
    result.error = host_error("the sandbox is already running", function);
    return result;
  }
  s->running = true;
  s->begin_run(function);
  CallContext c{s, &function, &args, &result};
  lua_State* L = s->L;
  lua_settop(L, 0);
  lua_pushcfunction(L, call_trampoline);
  lua_pushlightuserdata(L, &c);
  const int status = lua_pcall(L, 1, 0, 0);
  if (status != LUA_OK) {
    result.value.reset();
    result.error = make_error(s, L, status, true);
  }
  lua_settop(L, 0);
  s->running = false;
  result.duration_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  return result;
}

const std::vector<LogLine>& Sandbox::logs() const {
  return impl_->logs;
}
std::size_t Sandbox::dropped_log_lines() const {
  return impl_->dropped_logs;
}
int Sandbox::http_calls_made() const {
  return impl_->http_calls;
}

void Sandbox::add_module(const std::string& name, const std::string& source) {
  impl_->module_sources[name] = source;
}

Sandbox::Stats Sandbox::stats() const {
  return {impl_->used, impl_->peak, impl_->instructions};
}

}  // namespace scratch::lua

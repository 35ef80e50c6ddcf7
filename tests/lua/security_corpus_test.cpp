// A corpus of escape and exhaustion attempts: each script must end with the expected RunError kind (and
// limit) and leave the host healthy: a fresh Sandbox afterwards behaves normally, nothing leaked into it.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "lua/sandbox.hpp"
#include "sandbox_test_support.hpp"

namespace scratch::lua {
namespace {

using nlohmann::json;
using testing::echo_http;
using testing::fast_limits;

struct Attack {
  const char* name;
  const char* script;                    // loaded, then f() is called (when loading succeeded)
  const char* kind;                      // expected RunError kind; "" = no error
  const char* limit = "";                // expected limit for kind "limit"
  const char* message = "";              // a substring of the message, when given
  int wall_ms = 0;                       // a shorter wall limit for this case (0: the suite's)
  const char* out_of_process = nullptr;  // not run in-process: why (the runner's kill covers it)
};

const Attack kAttacks[] = {
    // ---- reaching what is not there
    {"io", "function f() return io.open('/etc/passwd'):read('a') end", "runtime", "", "global 'io'"},
    {"os_execute", "function f() return os.execute('id') end", "runtime", "", "global 'os'"},
    {"debug_registry", "function f() return debug.getregistry() end", "runtime", "", "global 'debug'"},
    {"package_loadlib", "function f() return package.loadlib('libc.so.6', 'system') end", "runtime", "",
     "global 'package'"},
    {"require_io", "function f() return require('io') end", "runtime", "", "module 'io' not found"},
    {"require_debug_in_load", "local d = require('debug') function f() end", "runtime", "", "module 'debug'"},
    {"dofile", "function f() return dofile('/etc/passwd') end", "runtime", "", "global 'dofile'"},
    {"loadfile", "function f() return loadfile('/etc/passwd') end", "runtime", "", "global 'loadfile'"},
    {"load_bytecode", "function f() return load('\\27LuaT\\0', 'x', 'b') end", "runtime", "",
     "global 'load'"},
    {"bytecode_script", "\x1bLuaT\x00\x19\x93\r\n\x1a\n", "syntax", "", "binary chunk"},
    {"string_dump", "function f() return string.dump(f) end", "runtime", "", "field 'dump'"},
    {"string_dump_via_metatable", "function f() return (''):dump(f) end", "runtime", "", "method 'dump'"},
    {"collectgarbage_only_count",
     "function f() return collectgarbage('collect'), collectgarbage('count') > 0 end", ""},
    // ---- shared metatables and globals
    {"string_metatable_index",
     "function f() getmetatable('').__index.upper = function() return 'pwned' end end", "runtime", "",
     "boolean value"},
    {"string_metatable_rawset", "function f() rawset(getmetatable(''), '__index', {}) end", "runtime", "",
     "table expected"},
    {"string_metatable_setmetatable", "function f() setmetatable(getmetatable(''), nil) end", "runtime", "",
     "table expected"},
    {"string_table_tampering",
     "string.upper = function() return 'pwned' end function f() return ('a'):upper() end",
     ""},  // affects this state only: the fresh Sandbox below proves it
    {"globals_tampering",
     "x_marker = true print = nil json = nil setmetatable(_G, {__index = function() error('trap') end}) "
     "function f() return 1 end",
     ""},
    {"env_tampering", "function f() local _ENV = {} return print('x') end", "runtime", "", "global 'print'"},
    {"json_null_metatable", "function f() return setmetatable(json.null, {}) end", "runtime", "",
     "table expected"},
    // ---- CPU: the count hook and its holes
    {"infinite_loop", "function f() while true do end end", "limit", "instructions"},
    {"loop_in_pcall", "function f() while true do pcall(function() while true do end end) end end", "limit",
     "instructions"},
    {"pcall_catching_limit",
     "function f() local ok = pcall(function() while true do end end) return 'escaped' end", "limit",
     "instructions"},
    {"error_rethrow_disguise",
     "function f() local ok, e = pcall(function() while true do end end) error('just a bug: ' .. "
     "tostring(e)) end",
     "limit", "instructions"},
    {"loop_in_coroutine", "function f() coroutine.wrap(function() while true do end end)() end", "limit",
     "instructions"},
    {"resume_swallows",
     "function f() while true do coroutine.resume(coroutine.create(function() while true do end end)) end "
     "end",
     "limit", "instructions"},
    {"tiny_coroutines",
     "function f() while true do coroutine.wrap(function() for i = 1, 400 do end end)() end end", "limit",
     "instructions"},
    {"index_metamethod",
     "function f() return setmetatable({}, {__index = function() while true do end end}).x end", "limit",
     "instructions"},
    {"gsub_callback", "function f() return ('x'):rep(10):gsub('.', function() while true do end end) end",
     "limit", "instructions"},
    {"sort_comparator", "function f() table.sort({3, 2, 1}, function() while true do end end) end", "limit",
     "instructions"},
    {"tostring_metamethod",
     "function f() return string.format('%s', setmetatable({}, {__tostring = function() while true do end "
     "end})) "
     "end",
     "limit", "instructions"},
    {"gc_finalizer", "function f() setmetatable({}, {__gc = function() while true do end end}) end",
     "runtime", "", "__gc"},
    {"gc_placeholder", "function f() local mt = {__gc = false} setmetatable({}, mt) mt.__gc = print end",
     "runtime", "", "__gc"},
    {"xpcall_handler_after_limit",
     "function f() xpcall(function() while true do end end, function() while true do end end) return 1 end",
     "limit", "instructions"},
    {"xpcall_handler_loops", "function f() xpcall(error, function() while true do end end) return 1 end",
     "limit", "instructions"},
    {"close_loops",
     "function f() do local x <close> = setmetatable({}, {__close = function() while true do end end}) end "
     "end",
     "limit", "instructions"},
    {"close_after_limit",
     "function f() local x <close> = setmetatable({}, {__close = function() while true do end end}) "
     "while true do end end",
     "limit", "instructions"},
    {"close_throws_tostring_bomb",
     "function f() local x <close> = setmetatable({}, {__close = function() "
     "error(setmetatable({}, {__tostring = function() while true do end end})) end}) while true do end end",
     "limit", "instructions"},
    {"table_move_huge", "function f() table.move({}, 1, math.maxinteger - 1, 1, {}) end", "limit",
     "instructions"},
    {"table_insert_quadratic",
     "function f() local t = {} for i = 1, 1e5 do t[i] = i end while true do table.insert(t, 1, 0) "
     "table.remove(t, 1) end end",
     "limit", "instructions"},
    {"time_in_c_calls", "function f() local s = ('a'):rep(300) while true do s:find('.-.-b') end end",
     "limit", "time", "", 400},
    // ---- recursion
    // Lua's own "stack overflow" comes at ~200k frames; with 16 MiB the memory cap stops it first.
    {"lua_stack_recursion", "local function r() return 1 + r() end function f() return r() end", "limit",
     "memory"},
    {"lua_stack_recursion_in_pcall",
     "local function r() return 1 + r() end function f() pcall(r) return 'escaped' end", "limit", "memory"},
    {"c_stack_recursion",
     "function f() local t = setmetatable({}, {__index = function(t, k) return t[k] end}) return t.x end",
     "runtime", "", "stack overflow"},
    {"coroutine_nesting_recursion",
     "local function r() return coroutine.wrap(r)() end function f() return r() end", "runtime", "",
     "stack overflow"},
    // ---- memory
    {"string_rep_huge", "function f() return #string.rep('x', 1e9) end", "limit", "memory"},
    {"string_rep_separator", "function f() return #string.rep('x', 2^31, ',') end", "limit", "memory"},
    {"string_rep_overflow", "function f() return #string.rep('xx', math.maxinteger) end", "limit", "memory"},
    {"string_rep_empty_spin", "function f() return #string.rep('', 1e15) end", ""},
    {"string_doubling", "function f() local s = 'x' while true do s = s .. s end end", "limit", "memory"},
    {"table_growth", "function f() local t = {} for i = 1, 1e9 do t[i] = i end end", "limit", "memory"},
    {"table_concat",
     "function f() local s, t = ('x'):rep(1e6), {} for i = 1, 20 do t[i] = s end return #table.concat(t) end",
     "limit", "memory"},
    {"memory_in_pcall",
     "function f() pcall(string.rep, 'x', 1e9) pcall(function() local s = 'x' while true do "
     "s = s .. s end end) return 'escaped' end",
     "limit", "memory"},
    {"json_amplification",
     "function f() local big = {} for i = 1, 1000 do big[i] = ('x'):rep(100) .. i end local t = {} "
     "for i = 1, 100000 do t[i] = big end return t end",
     "limit", "memory"},
    {"json_encode_amplification",
     "function f() local big = {} for i = 1, 1000 do big[i] = ('x'):rep(100) .. i end local t = {} "
     "for i = 1, 100000 do t[i] = big end return #json.encode(t) end",
     "limit", "memory"},
    {"deep_result", "function f() local t = {} for i = 1, 300 do t = {t} end return t end", "contract", "",
     "nested deeper than 200"},
    {"cyclic_result", "function f() local t = {} t[1] = t return t end", "contract", "", "nested deeper"},
    // ---- patterns
    {"pattern_exponential", "function f() return ('a'):rep(40):find(('a?'):rep(40) .. ('a'):rep(40)) end",
     "runtime", "", "pattern too complex"},
    {"pattern_too_long", "function f() return ('x'):find(('%a'):rep(2000)) end", "runtime", "",
     "pattern too long"},
    {"pattern_backtracking", "function f() return ('a'):rep(160):find('.-.-.-.-b') end", "limit", "time", "",
     0, "one C call of ~7 s the count hook never sees: the runner's watchdog ends it (lua_attacks_api_test)"},
    // ---- error values
    {"error_tostring_loop",
     "function f() error(setmetatable({}, {__tostring = function() while true do end end})) end", "runtime",
     "", "(error object is a table value)"},
    {"error_table", "function f() error({code = 'x'}) end", "runtime", "", "x"},
    {"error_index_metamethod",
     "function f() error(setmetatable({}, {__index = function() while true do end end})) end", "runtime", "",
     "(error object is a table value)"},
    // ---- host services
    {"http_call_flood", "function f() for i = 1, 100 do pcall(http.request, {url = 'https://x'}) end end",
     "limit", "http_calls"},
    {"http_bytes",
     "function f() for i = 1, 4 do http.request{url = 'https://x', body = ('x'):rep(400000)} end end",
     "limit", "http_bytes"},
    {"log_flood", "function f() for i = 1, 1e5 do log.info(('x'):rep(100)) end return 1 end", ""},
};

// A fresh Sandbox after an attack: the standard library intact, no trace of the attack's globals.
void expect_fresh_sandbox_is_clean() {
  Sandbox sandbox(fast_limits(), echo_http());
  const auto loaded = sandbox.load(R"(
function f()
  assert(("abc"):upper() == "ABC" and ("abc"):find("b") == 2)
  assert(x_marker == nil and getmetatable("") == false and getmetatable(_G) == nil)
  assert(io == nil and os == nil and debug == nil and package == nil and load == nil and dofile == nil)
  assert(string.dump == nil and type(json.encode) == "function" and type(print) == "function")
  local n = 0
  for i = 1, 1000 do n = n + i end
  return n
end
)");
  ASSERT_FALSE(loaded) << loaded->to_json().dump();
  const auto result = sandbox.call("f", {});
  ASSERT_FALSE(result.error) << result.error->to_json().dump();
  EXPECT_EQ(*result.value, 500500);
}

class SecurityCorpus : public ::testing::TestWithParam<Attack> {};

TEST_P(SecurityCorpus, EndsWithTheExpectedErrorAndLeavesTheHostClean) {
  const Attack& attack = GetParam();
  if (attack.out_of_process)
    GTEST_SKIP() << "documented case for the runner process kill: " << attack.out_of_process;
  Limits limits = fast_limits();
  if (attack.wall_ms > 0) limits.wall = std::chrono::milliseconds(attack.wall_ms);
  const auto start = std::chrono::steady_clock::now();
  std::optional<RunError> error;
  {
    Sandbox sandbox(limits, echo_http());
    error = sandbox.load(attack.script);
    if (!error) error = sandbox.call("f", {}).error;
  }  // the Sandbox is destroyed right after the attack
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (std::string(attack.kind).empty()) {
    EXPECT_FALSE(error) << error->to_json().dump();
  } else {
    ASSERT_TRUE(error) << "no error";
    EXPECT_EQ(error->kind, attack.kind) << error->to_json().dump();
    EXPECT_EQ(error->limit, attack.limit) << error->to_json().dump();
    EXPECT_NE(error->message.find(attack.message), std::string::npos) << error->to_json().dump();
  }
  EXPECT_LT(ms, static_cast<double>(limits.wall.count()) + 1000) << "took " << ms << " ms";
  expect_fresh_sandbox_is_clean();
}

INSTANTIATE_TEST_SUITE_P(Attacks, SecurityCorpus, ::testing::ValuesIn(kAttacks),
                         [](const ::testing::TestParamInfo<Attack>& info) {
                           return std::string(info.param.name);
                         });

// A limit leaves the Sandbox usable for the next run (the host calls spec, check, read... on one Sandbox).
TEST(SecurityCorpusReuse, SandboxWorksAfterALimit) {
  Sandbox sandbox(fast_limits(), echo_http());
  ASSERT_FALSE(sandbox.load("function spin() while true do end end function ok() return 'fine' end"));
  auto r = sandbox.call("spin", {});
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->limit, "instructions");
  EXPECT_EQ(r.error->function, "spin");
  EXPECT_EQ(r.error->line, 1);
  r = sandbox.call("ok", {});
  ASSERT_FALSE(r.error) << r.error->to_json().dump();
  EXPECT_EQ(*r.value, "fine");
}

// Figures for the report: how long an infinite loop runs and how much a memory bomb holds, at the defaults.
TEST(SecurityCorpusFigures, DefaultLimits) {
  Limits defaults;
  {
    Sandbox sandbox(defaults, echo_http());
    ASSERT_FALSE(sandbox.load("function f() while true do end end"));
    const auto r = sandbox.call("f", {});
    ASSERT_TRUE(r.error);
    EXPECT_EQ(r.error->limit, "instructions");
    std::printf("[figures] infinite loop, 200M instructions: stopped after %.0f ms\n", r.duration_ms);
    RecordProperty("infinite_loop_ms", std::to_string(r.duration_ms));
  }
  {
    Limits limits = defaults;
    limits.wall = std::chrono::milliseconds(250);
    Sandbox sandbox(limits, echo_http());
    ASSERT_FALSE(sandbox.load("function f() while true do end end"));
    const auto r = sandbox.call("f", {});
    ASSERT_TRUE(r.error);
    EXPECT_EQ(r.error->limit, "time");
    std::printf("[figures] infinite loop, 250 ms wall limit: stopped after %.0f ms\n", r.duration_ms);
    EXPECT_LT(r.duration_ms, 400);
  }
  for (const char* bomb :
       {"local s = 'x' while true do s = s .. s end", "local t = {} for i = 1, 1e9 do t[i] = i end",
        "local t = {} while true do t[#t + 1] = ('x'):rep(1000) .. #t end", "return #string.rep('x', 1e9)"}) {
    Sandbox sandbox(defaults, echo_http());
    ASSERT_FALSE(sandbox.load(std::string("function f() ") + bomb + " end"));
    const auto r = sandbox.call("f", {});
    ASSERT_TRUE(r.error);
    EXPECT_EQ(r.error->limit, "memory") << r.error->to_json().dump();
    const auto stats = sandbox.stats();
    std::printf("[figures] memory bomb '%s': peak %.1f MiB of 64 MiB, stopped after %.0f ms\n", bomb,
                static_cast<double>(stats.memory_peak) / (1 << 20), r.duration_ms);
    EXPECT_LE(stats.memory_peak, defaults.memory_bytes);
  }
}

}  // namespace
}  // namespace scratch::lua

// The sandbox's API: load/call, JSON round trips, logs with lines, errors with lines, columns and tracebacks.
#include <gtest/gtest.h>

#include "lua/sandbox.hpp"
#include "sandbox_test_support.hpp"

namespace scratch::lua {
namespace {

using nlohmann::json;
using testing::echo_http;
using testing::fast_limits;

Sandbox::Result run(Sandbox& sandbox, const std::string& script, const std::string& function = "f",
                    const std::vector<json>& args = {}) {
  const auto loaded = sandbox.load(script);
  EXPECT_FALSE(loaded) << loaded->to_json().dump();
  return sandbox.call(function, args);
}

json value_of(const std::string& script, const std::vector<json>& args = {}) {
  Sandbox sandbox(fast_limits(), echo_http());
  auto result = run(sandbox, script, "f", args);
  EXPECT_FALSE(result.error) << result.error->to_json().dump();
  return result.value.value_or(json("<no value>"));
}

TEST(LuaSandbox, LoadsAndCallsWithJsonArguments) {
  Sandbox sandbox(fast_limits(), echo_http());
  ASSERT_FALSE(sandbox.load("function read(call) return {n = call.page_size * 2, echo = call} end"));
  EXPECT_EQ(sandbox.global_type("read"), "function");
  EXPECT_EQ(sandbox.global_type("write"), "nil");
  EXPECT_EQ(sandbox.global_type("string"), "table");
  const json call = {{"page_size", 50}, {"cursor", nullptr}, {"table", "notes"}, {"ids", json::array()}};
  const auto result = sandbox.call("read", {call});
  ASSERT_FALSE(result.error) << result.error->to_json().dump();
  EXPECT_EQ((*result.value)["n"], 100);
  EXPECT_EQ((*result.value)["echo"], call);  // null stays null, [] stays [] through Lua and back
  EXPECT_GE(result.duration_ms, 0);
}

TEST(LuaSandbox, NumbersKeepTheirKinds) {
  const json v = value_of("function f(a) return {a, 3, 3.0, 2^53, 1/4, math.maxinteger} end", {json(7)});
  EXPECT_TRUE(v[0].is_number_integer());
  EXPECT_TRUE(v[1].is_number_integer());
  EXPECT_TRUE(v[2].is_number_float());
  EXPECT_TRUE(v[3].is_number_float());
  EXPECT_DOUBLE_EQ(v[4].get<double>(), 0.25);
  EXPECT_EQ(v[5].get<std::int64_t>(), INT64_MAX);
  EXPECT_TRUE(value_of("function f(x) return math.type(x) end", {json(2.0)}) == "float");
  EXPECT_TRUE(value_of("function f(x) return math.type(x) end", {json(2)}) == "integer");
}

TEST(LuaSandbox, JsonModuleRoundTrips) {
  EXPECT_EQ(value_of(R"(function f() return json.encode({}) end)"), "{}");
  EXPECT_EQ(value_of(R"(function f() return json.encode(json.array()) end)"), "[]");
  EXPECT_EQ(value_of(R"(function f() return json.encode(json.decode("[]")) end)"), "[]");
  EXPECT_EQ(value_of(R"(function f() return json.encode(json.decode('{"a":[],"b":{}}')) end)"),
            R"({"a":[],"b":{}})");
  EXPECT_EQ(value_of(R"(function f() return json.encode({1, 2.5, "x", true, json.null}) end)"),
            R"([1,2.5,"x",true,null])");
  EXPECT_EQ(value_of(R"(function f() local t = json.decode('{"a":null}') return t.a == json.null end)"),
            true);
  EXPECT_EQ(value_of(R"(function f() return json.decode('[1, 2.0]')[2] end)"), 2.0);
  EXPECT_EQ(value_of(R"(function f() return math.type(json.decode('[2.0]')[1]) end)"), "float");
  EXPECT_EQ(value_of(R"(function f() return math.type(json.decode('[1]')[1]) end)"), "integer");
  EXPECT_EQ(value_of(R"(function f() return tostring(json.null) end)"), "null");
  // A decoded array stays an array after it is emptied.
  EXPECT_EQ(value_of(R"(function f() local t = json.decode('[1]') t[1] = nil return t end)"), json::array());
  EXPECT_EQ(value_of(R"(function f() return json.decode('{"x":{"y":[{"z":1}]}}') end)"),
            json::parse(R"({"x":{"y":[{"z":1}]}})"));
}

TEST(LuaSandbox, JsonRefusesWhatItCannotRepresent) {
  const auto error_of = [](const std::string& expr) {
    return value_of("function f() local ok, e = pcall(json.encode, " + expr + ") return {ok, e} end");
  };
  EXPECT_EQ(error_of("{[1.5] = 1}")[0], false);
  EXPECT_NE(error_of("{[true] = 1}")[1].get<std::string>().find("keys must be strings"), std::string::npos);
  EXPECT_NE(error_of("{1, 2, x = 3}")[1].get<std::string>().find("mixes"), std::string::npos);
  EXPECT_NE(error_of("{[1] = 1, [5] = 2}")[1].get<std::string>().find("sparse"), std::string::npos);
  EXPECT_NE(error_of("0/0")[1].get<std::string>().find("NaN"), std::string::npos);
  EXPECT_NE(error_of("{x = {1/0}}")[1].get<std::string>().find("$.x[1]"), std::string::npos);
  EXPECT_NE(error_of("print")[1].get<std::string>().find("function"), std::string::npos);
  EXPECT_NE(error_of("'\\xff'")[1].get<std::string>().find("UTF-8"), std::string::npos);
  const json cycle =
      value_of("function f() local t = {} t.t = t local ok, e = pcall(json.encode, t) return e end");
  EXPECT_NE(cycle.get<std::string>().find("nested deeper than 200"), std::string::npos);
  const json deep =
      value_of(R"(function f() local ok, e = pcall(json.decode, string.rep("[", 300)) return e end)");
  EXPECT_NE(deep.get<std::string>().find("nested deeper than 200"), std::string::npos);
  const json bad = value_of(R"(function f() local ok, e = pcall(json.decode, "{nope}") return e end)");
  EXPECT_NE(bad.get<std::string>().find("json.decode: parse error"), std::string::npos);
}

TEST(LuaSandbox, ResultsThatCannotBeConvertedAreContractErrors) {
  Sandbox sandbox(fast_limits(), echo_http());
  const auto result = run(sandbox, "function f() return {records = {{id = 1, fields = {x = print}}}} end");
  ASSERT_TRUE(result.error);
  EXPECT_EQ(result.error->kind, "contract");
  EXPECT_NE(result.error->message.find("$.records[1].fields.x"), std::string::npos) << result.error->message;
}

TEST(LuaSandbox, MissingFunctionIsAContractError) {
  Sandbox sandbox(fast_limits(), echo_http());
  ASSERT_FALSE(sandbox.load("spec = 1"));
  auto result = sandbox.call("read", {});
  ASSERT_TRUE(result.error);
  EXPECT_EQ(result.error->kind, "contract");
  EXPECT_EQ(result.error->function, "read");
  EXPECT_EQ(result.error->message, "function 'read' is not defined");
  result = sandbox.call("spec", {});
  ASSERT_TRUE(result.error);
  EXPECT_EQ(result.error->kind, "contract");
  EXPECT_NE(result.error->message.find("is a number"), std::string::npos);
}

TEST(LuaSandbox, SyntaxErrorsHaveLineAndColumn) {
  Sandbox sandbox(fast_limits(), echo_http());
  auto error = sandbox.load("local a = 1\nlocal b = = 2\n");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, "syntax");
  EXPECT_EQ(error->line, 2);
  EXPECT_EQ(error->message, "unexpected symbol near '='");
  EXPECT_EQ(error->column, 0);  // '=' occurs twice on that line: no guess

  error = sandbox.load("function f()\n  return 1 +\nend\n", "conn.lua");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->line, 3);
  EXPECT_EQ(error->message, "unexpected symbol near 'end'");
  EXPECT_EQ(error->column, 1);

  error = sandbox.load("x = {\n  a = 1\n  b = 2\n}");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->line, 3);
  EXPECT_EQ(error->message, "'}' expected (to close '{' at line 1) near 'b'");
  EXPECT_EQ(error->column, 3);

  error = sandbox.load("function f()\n  if x then\n");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->line, 3);  // the end of the file, after the last newline
  EXPECT_EQ(error->column, 1);
  EXPECT_EQ(error->message, "'end' expected (to close 'if' at line 2) near <eof>");
}

TEST(LuaSandbox, RuntimeErrorsHaveLineAndScriptTraceback) {
  Sandbox sandbox(fast_limits(), echo_http());
  ASSERT_FALSE(sandbox.load(R"(-- line 1
local function parse(body)
  local item = body.items[1]    -- line 3
  return item
end
local function fetch()
  local parsed = parse({})      -- line 7
  return parsed
end
function read(call)
  local rows = fetch()          -- line 11
  return {records = rows}
end
)"));
  const auto result = sandbox.call("read", {json::object()});
  ASSERT_TRUE(result.error);
  const RunError& e = *result.error;
  EXPECT_EQ(e.kind, "runtime");
  EXPECT_EQ(e.function, "read");
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.message, "attempt to index a nil value (field 'items')");
  EXPECT_EQ(e.traceback,
            "connector.lua:3: in upvalue 'parse'\n"
            "connector.lua:7: in upvalue 'fetch'\n"
            "connector.lua:11: in function 'read'");
  const json j = e.to_json();
  EXPECT_EQ(j["kind"], "runtime");
  EXPECT_EQ(j["line"], 3);
}

TEST(LuaSandbox, ErrorValuesBecomePlainMessages) {
  Sandbox sandbox(fast_limits(), echo_http());
  ASSERT_FALSE(sandbox.load(R"(
function a() error({code = "auth_failed", message = "bad token"}) end
function b() error(setmetatable({}, {__tostring = function() while true do end end})) end
function c() error("no position", 0) end
function d() error(42) end
)"));
  auto r = sandbox.call("a", {});
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->message, "bad token");
  EXPECT_EQ(r.error->line, 2);
  r = sandbox.call("b", {});
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->kind, "runtime");
  EXPECT_EQ(r.error->message, "(error object is a table value)");
  r = sandbox.call("c", {});
  EXPECT_EQ(r.error->message, "no position");
  EXPECT_EQ(r.error->line, 4);
  r = sandbox.call("d", {});
  EXPECT_EQ(r.error->message, "42");
}

TEST(LuaSandbox, TopLevelErrorsFromLoad) {
  Sandbox sandbox(fast_limits(), echo_http());
  const auto error = sandbox.load("local x = 1\nlocal y = x.z.w\n");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, "runtime");
  EXPECT_EQ(error->line, 2);
  EXPECT_EQ(error->traceback, "connector.lua:2: in main chunk");
}

TEST(LuaSandbox, LogsAreCapturedWithLines) {
  Limits limits = fast_limits();
  limits.log_bytes = 100;
  Sandbox sandbox(limits, echo_http());
  ASSERT_FALSE(sandbox.load(R"(
function f()
  log.info("hello", 1, true)
  log.warn("careful")
  print("from print")
  local function helper() log.error("inner") end
  helper()
  for i = 1, 20 do log.debug("spam spam spam") end
  return 1
end
)"));
  const auto r = sandbox.call("f", {});
  ASSERT_FALSE(r.error) << r.error->to_json().dump();
  const auto& logs = sandbox.logs();
  ASSERT_GE(logs.size(), 4u);
  EXPECT_EQ(logs[0].level, "info");
  EXPECT_EQ(logs[0].message, "hello 1 true");
  EXPECT_EQ(logs[0].line, 3);
  EXPECT_EQ(logs[1].level, "warn");
  EXPECT_EQ(logs[1].line, 4);
  EXPECT_EQ(logs[2].message, "from print");
  EXPECT_EQ(logs[3].level, "error");
  EXPECT_EQ(logs[3].line, 6);
  EXPECT_GT(sandbox.dropped_log_lines(), 0u);
  std::size_t total = 0;
  for (const auto& line : logs)
    total += line.message.size();
  EXPECT_LE(total, 100u);
}

TEST(LuaSandbox, HttpGoesThroughTheHostFunction) {
  int calls = 0;
  Sandbox sandbox(fast_limits(), echo_http(&calls));
  ASSERT_FALSE(sandbox.load(R"(
function f()
  local r = http.request{method = "post", url = "https://api.example.com/x", headers = {["x-n"] = 5},
                         body = json.encode({a = 1}), timeout = 2}
  local sent = json.decode(r.body)
  local ok, err = pcall(http.request, {url = "https://fail.example.com"})
  return {status = r.status, type = r.headers["content-type"], sent = sent, ok = ok, err = err}
end
)"));
  const auto r = sandbox.call("f", {});
  ASSERT_FALSE(r.error) << r.error->to_json().dump();
  const json& v = *r.value;
  EXPECT_EQ(v["status"], 200);
  EXPECT_EQ(v["type"], "application/json");
  EXPECT_EQ(v["sent"]["method"], "POST");
  EXPECT_EQ(v["sent"]["headers"]["x-n"], "5");
  EXPECT_EQ(v["sent"]["body"], R"({"a":1})");
  EXPECT_EQ(v["sent"]["timeout_ms"], 2000);
  EXPECT_EQ(v["ok"], false);
  EXPECT_NE(v["err"].get<std::string>().find("http.request failed (connection_failed): could not connect"),
            std::string::npos);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(sandbox.http_calls_made(), 2);
}

TEST(LuaSandbox, HelperModules) {
  const json v = value_of(R"(
function f()
  return {
    b64 = base64.encode("hello, world!"), back = base64.decode("aGVsbG8sIHdvcmxkIQ"),
    url = url.encode("a b&c/é"), q = url.query{b = "x y", a = 1, tags = {"p", "q"}, skip = json.null},
    iso = time.iso(0), iso2 = time.iso(1714564800.25), parsed = time.parse_iso("2024-05-01T14:00:00+02:00"),
    date = time.parse_iso("1970-01-02"), bad = select(2, time.parse_iso("yesterday")),
    now = time.now() > 1.7e9, req = require("json") == json, gc = type(collectgarbage("count")),
  }
end
)");
  EXPECT_EQ(v["b64"], "aGVsbG8sIHdvcmxkIQ==");
  EXPECT_EQ(v["back"], "hello, world!");
  EXPECT_EQ(v["url"], "a%20b%26c%2F%C3%A9");
  EXPECT_EQ(v["q"], "a=1&b=x%20y&tags=p&tags=q");
  EXPECT_EQ(v["iso"], "1970-01-01T00:00:00Z");
  EXPECT_EQ(v["iso2"], "2024-05-01T12:00:00.250Z");
  EXPECT_EQ(v["parsed"], 1714564800);
  EXPECT_EQ(v["date"], 86400);
  EXPECT_NE(v["bad"].get<std::string>().find("expected YYYY-MM-DD"), std::string::npos);
  EXPECT_EQ(v["now"], true);
  EXPECT_EQ(v["req"], true);
  EXPECT_EQ(v["gc"], "number");
}

TEST(LuaSandbox, RequireReturnsHostModulesOnly) {
  Sandbox sandbox(fast_limits(), echo_http());
  sandbox.add_module("paginate", "local M = {} function M.double(x) return 2 * x end return M");
  const auto r = run(sandbox, R"(
local p = require("paginate")
function f() return {p.double(21), require("paginate") == p, pcall(require, "os")} end
)");
  ASSERT_FALSE(r.error) << r.error->to_json().dump();
  EXPECT_EQ((*r.value)[0], 42);
  EXPECT_EQ((*r.value)[1], true);
  EXPECT_EQ((*r.value)[2], false);
  EXPECT_NE((*r.value)[3].get<std::string>().find("module 'os' not found"), std::string::npos);
}

TEST(LuaSandbox, StateSurvivesBetweenCallsButLimitsAreePerRun) {
  Limits limits = fast_limits();
  limits.instructions = 2'000'000;
  Sandbox sandbox(limits, echo_http());
  ASSERT_FALSE(
      sandbox.load("count = 0 function f() for i = 1, 200000 do end count = count + 1 return count end"));
  for (int i = 1; i <= 5; ++i) {  // 5 x ~0.8M instructions: fine, because each run has its own budget
    const auto r = sandbox.call("f", {});
    ASSERT_FALSE(r.error) << r.error->to_json().dump();
    EXPECT_EQ(*r.value, i);
  }
  EXPECT_GT(sandbox.stats().instructions, 0u);
  EXPECT_GT(sandbox.stats().memory_used, 0u);
}

TEST(LuaSandbox, CoroutinesAndPcallWork) {
  const json v = value_of(R"(
function f()
  local gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end)
  local co = coroutine.create(function(a)
    local ok, b = pcall(function() return coroutine.yield(a + 1) end)  -- yield across the pcall wrapper
    return ok and b * 10
  end)
  local _, first = coroutine.resume(co, 1)
  local _, second = coroutine.resume(co, 5)
  local ok, err = pcall(error, "boom")
  local xok, handled = xpcall(function() error("x") end, function(m) return "handled: " .. m end)
  return {gen(), gen(), gen(), first, second, ok, err, xok, handled}
end
)");
  EXPECT_EQ(v, json::parse(R"([1,2,3,2,50,false,"boom",false,"handled: connector.lua:11: x"])"));
}

TEST(LuaSandbox, HostExceptionsFromHttpEndTheRun) {
  Sandbox sandbox(fast_limits(), [](const json&) -> json { throw std::logic_error("bug in host"); });
  const auto r = run(sandbox, "function f() pcall(http.request, {url = 'https://x'}) return 1 end");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->kind, "host");
  EXPECT_NE(r.error->message.find("bug in host"), std::string::npos);
}

}  // namespace
}  // namespace scratch::lua

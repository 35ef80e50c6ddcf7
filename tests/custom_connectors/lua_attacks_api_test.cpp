// Escape and exhaustion attempts against the Lua sandbox, through the API: a corpus of short connectors whose
// read() (or top level) attacks, run through /custom-connectors/validate or /test and, for a subset, through
// a real download job. Each must fail with the right kind of error (the limit it hit, the missing global it
// named, the refused address) while another user's requests keep being served.
#include <gtest/gtest.h>

#include <atomic>
#include <regex>
#include <thread>

#include "custom_connectors/custom_connector_fixture.hpp"

namespace scratch::test {
namespace {

using nlohmann::json;
const std::string kBase = "/api/v1/custom-connectors";

// A connector that works except where the attack is: spec, check and list_tables are plain; `read` runs the
// attack (or the top level does). Config base_url is the good items API (the only allow-listed address).
const char* const kHead = R"lua(
function spec()
  return { display_name = "Attack", description = "an attack", capabilities = { "read" },
           limits = { max_page_size = 10, max_write_batch = 1, requests_per_second = 0 },
           config_schema = { type = "object", properties = { base_url = { type = "string", title = "URL" } } },
           credentials_schema = { type = "object", properties = { token = { type = "string", title = "T" } } } }
end
function check(config, credentials) return { ok = true, message = "ok" } end
function list_tables(config, credentials)
  return { tables = { { id = "t", name = "T", primary_key = { "id" }, read_only = true,
                        fields = { { id = "id", name = "ID", type = "text", read_only = true } } } } }
end
)lua";

std::string in_read(const std::string& attack) {
  return std::string(kHead) + "function read(config, credentials, request)\n" + attack +
         "\n  return { records = json.array({}), next_cursor = json.null }\nend\n";
}
std::string at_top(const std::string& attack) {
  return std::string(kHead) + attack +
         "\nfunction read(config, credentials, request) return { records = json.array({}), next_cursor = "
         "json.null } end\n";
}

enum class Where { kRead, kTop };

struct Attack {
  std::string name;
  Where where;
  std::string lua;
  std::string code;    // the error code expected (test/download); for kTop the validation error kind
  std::string detail;  // limit_exceeded: the limit; otherwise a text the message must contain ("" = any)
  bool download;       // also through a real download job
};

const std::string kRefused = "http.request failed (address_refused)";

std::string http_get(const std::string& url) {
  return "  http.request{ url = \"" + url + "\" }";
}

// The items API's "host:port", to allow-list it.
std::string host_port(const std::string& url) {
  static const std::regex re(R"(^https?://([^/]+))");
  std::smatch m;
  if (!std::regex_search(url, m, re)) throw std::runtime_error("no host in " + url);
  return m[1];
}

// Built before scratchd (a base is constructed before the next base), so its port goes into the allow-list.
struct GoodApiHolder {
  ItemsApi api{3};
};

class LuaAttacks : protected GoodApiHolder, public CustomConnectorTest {
 protected:
  LuaAttacks()
      : CustomConnectorTest({{"SCRATCH_LUA_ALLOWED_HOSTS", host_port(api.base_url())},
                             {"SCRATCH_LUA_INSTRUCTIONS", "20000000"},
                             {"SCRATCH_LUA_MEMORY_MB", "16"},
                             {"SCRATCH_LUA_TIMEOUT_MS", "2000"},
                             {"SCRATCH_LUA_HTTP_CALLS", "20"},
                             {"SCRATCH_CONNECTOR_RUNNERS", "2"}}) {}

  json config() const { return {{"base_url", api.base_url()}}; }
  json test_body(const std::string& script) const {
    return {{"script", script}, {"config", config()}, {"credentials", {{"token", "secret-token"}}}};
  }

  // The good connector's test, as `as`: every step but write ok.
  static bool good_test_ok(const ApiUser& as, const json& body) {
    const auto r = as.post(kBase + "/test", body);
    if (r.status != 200) return false;
    const json report = json::parse(r.body, nullptr, false);
    return report.is_object() && report.value("ok", false) &&
           report["steps"][3]["sample"]["records"].size() == 2u;
  }

  static void expect_error(const json& error, const Attack& a, const std::string& where) {
    if (a.code.empty()) {
      // A script may raise a table naming a host-reserved code; it can never pass for a real limit.
      EXPECT_EQ(error.value("kind", ""), "runtime") << where << ": " << error.dump(2);
      EXPECT_FALSE(error.contains("limit")) << where << ": " << error.dump(2);
    } else {
      EXPECT_EQ(error.value("code", ""), a.code) << where << ": " << error.dump(2);
      EXPECT_EQ(error.value("kind", ""), a.code == "limit_exceeded" ? "limit" : "runtime")
          << where << ": " << error.dump(2);
    }
    if (a.detail.empty()) return;
    if (a.code == "limit_exceeded") {
      EXPECT_EQ(error.value("limit", ""), a.detail) << where << ": " << error.dump(2);
      EXPECT_NE(error.value("message", "").find(a.detail), std::string::npos)
          << where << ": " << error.dump(2);
    } else {
      EXPECT_NE(error.value("message", "").find(a.detail), std::string::npos)
          << where << ": " << error.dump(2);
    }
  }

  std::vector<Attack> corpus() const {
    const std::string self = "http://127.0.0.1:" + std::to_string(server_->port());
    const std::vector<Attack> list = {
        // Globals that do not exist: the error names the missing global.
        {"io_open", Where::kRead, "  io.open('/etc/passwd')", "script_error", "'io'", true},
        {"io_popen", Where::kRead, "  local f = io.popen('id')", "script_error", "'io'", false},
        {"os_execute", Where::kRead, "  os.execute('touch /tmp/pwned')", "script_error", "'os'", false},
        {"os_getenv", Where::kRead, "  local k = os.getenv('SCRATCH_MASTER_KEY')", "script_error", "'os'",
         false},
        {"debug_registry", Where::kRead, "  local r = debug.getregistry()", "script_error", "'debug'", false},
        {"debug_sethook", Where::kRead, "  debug.sethook()", "script_error", "'debug'", false},
        {"package_loadlib", Where::kRead, "  package.loadlib('libc.so.6', 'system')", "script_error",
         "'package'", false},
        {"dofile", Where::kRead, "  dofile('/etc/passwd')", "script_error", "'dofile'", false},
        {"loadfile", Where::kRead, "  loadfile('/etc/passwd')", "script_error", "'loadfile'", false},
        {"load_bytecode", Where::kRead, "  local f = load('\\27LuaT\\0\\25\\147\\r\\n\\26\\n', 'x', 'b')",
         "script_error", "'load'", false},
        {"require_file", Where::kRead, "  require('/etc/passwd')", "script_error",
         "module '/etc/passwd' not found", false},
        {"require_io", Where::kRead, "  local io = require('io') io.open('/etc/passwd')", "script_error",
         "module 'io' not found", false},
        {"string_dump", Where::kRead, "  local b = string.dump(function() return 1 end)", "script_error",
         "dump", true},
        {"string_metatable", Where::kRead,
         "  getmetatable('').__index = { upper = function() return 'x' end }", "script_error",
         "attempt to index a boolean value", false},
        {"setmetatable_string", Where::kRead, "  setmetatable('', {})", "script_error",
         "table expected, got string", false},
        // Endless loops: the instruction limit ends them, whatever tries to catch it.
        {"loop", Where::kRead, "  while true do end", "limit_exceeded", "instructions", true},
        {"loop_in_pcall", Where::kRead, "  for i = 1, 1000 do pcall(function() while true do end end) end",
         "limit_exceeded", "instructions", false},
        {"loop_in_xpcall", Where::kRead,
         "  while true do xpcall(function() while true do end end, function(e) return e end) end",
         "limit_exceeded", "instructions", false},
        {"loop_in_coroutine", Where::kRead,
         "  while true do coroutine.resume(coroutine.create(function() while true do end end)) end",
         "limit_exceeded", "instructions", false},
        {"loop_in_coroutine_wrap", Where::kRead,
         "  local ok = pcall(coroutine.wrap(function() while true do end end))", "limit_exceeded",
         "instructions", false},
        {"loop_in_index", Where::kRead,
         "  local t = setmetatable({}, { __index = function() while true do end end }) local x = t.x",
         "limit_exceeded", "instructions", false},
        {"loop_in_gsub", Where::kRead,
         "  string.gsub(string.rep('a', 10), 'a', function() while true do end end)", "limit_exceeded",
         "instructions", false},
        {"loop_in_sort", Where::kRead,
         "  local t = {} for i = 1, 100 do t[i] = i end table.sort(t, function(a, b) while true do end end)",
         "limit_exceeded", "instructions", false},
        {"loop_in_gc", Where::kRead,
         "  for i = 1, 100 do setmetatable({}, { __gc = function() while true do end end }) end while true "
         "do end",
         "script_error", "__gc metamethods are not allowed", false},
        {"loop_in_close", Where::kRead,
         "  do local x <close> = setmetatable({}, { __close = function() while true do end end }) end",
         "limit_exceeded", "instructions", false},
        {"loop_in_tostring_error", Where::kRead,
         "  error(setmetatable({}, { __tostring = function() while true do end end }))", "script_error",
         "(error object is a table value)", false},
        // Recursion.
        {"deep_recursion", Where::kRead, "  local function f(n) return 1 + f(n + 1) end f(1)",
         "limit_exceeded", "memory", true},
        {"index_recursion", Where::kRead,
         "  local t = setmetatable({}, {}) getmetatable(t).__index = function(s, k) return s[k] end local x "
         "= t.x",
         "script_error", "C stack overflow", false},
        // Memory bombs: the memory limit ends them.
        {"string_rep", Where::kRead, "  local s = string.rep('x', 1 << 30)", "limit_exceeded", "memory",
         true},
        {"string_rep_sep", Where::kRead, "  local s = ('x'):rep(1 << 24, 'yy')", "limit_exceeded", "memory",
         false},
        {"concat_doubling", Where::kRead, "  local s = 'x' for i = 1, 40 do s = s .. s end", "limit_exceeded",
         "memory", false},
        {"table_growth", Where::kRead, "  local t = {} for i = 1, 1e9 do t[i] = i end", "limit_exceeded",
         "memory", false},
        {"table_growth_in_pcall", Where::kRead,
         "  pcall(function() local t = {} while true do t[#t + 1] = string.rep('y', 1e5) .. #t end end)",
         "limit_exceeded", "memory", false},
        {"json_nesting", Where::kRead, "  json.decode(string.rep('[', 100000))", "script_error",
         "nested deeper than 200 levels", false},
        // Errors as tables and __tostring tricks.
        {"error_table_fake_limit", Where::kRead, "  error({ code = 'limit_exceeded', message = 'fake' })",
         "script_error", "reserved code limit_exceeded", false},
        {"error_tostring_throws", Where::kRead,
         "  error(setmetatable({}, { __tostring = function() error('inner') end }))", "script_error",
         "(error object is a table value)", false},
        {"error_nil", Where::kRead, "  error(nil)", "script_error", "", false},
        {"error_bad_code", Where::kRead, "  error({ code = {}, message = 5 })", "script_error",
         "(error object is a table value)", false},
        // One C call the count hook never sees: the runner's watchdog ends it at the wall limit.
        {"pattern_backtracking", Where::kRead, "  local s = ('a'):rep(300):find('.-.-.-.-b')",
         "limit_exceeded", "time", true},
        // SSRF: nothing of these is allow-listed; the guard refuses before connecting.
        {"ssrf_self", Where::kRead, http_get(self + "/healthz"), "address_refused", kRefused, true},
        {"ssrf_decimal", Where::kRead, http_get("http://2130706433/"), "address_refused", kRefused, false},
        {"ssrf_hex_short", Where::kRead, http_get("http://0x7f.1/"), "address_refused", kRefused, false},
        {"ssrf_short", Where::kRead, http_get("http://127.1/"), "address_refused", kRefused, false},
        {"ssrf_ipv6_loopback", Where::kRead, http_get("http://[::1]/"), "address_refused", kRefused, false},
        {"ssrf_ipv4_mapped", Where::kRead, http_get("http://[::ffff:127.0.0.1]/"), "address_refused",
         kRefused, false},
        {"ssrf_metadata", Where::kRead, http_get("http://169.254.169.254/latest/meta-data"),
         "address_refused", kRefused, false},
        {"ssrf_private_10", Where::kRead, http_get("http://10.0.0.1/"), "address_refused", kRefused, false},
        {"ssrf_private_192", Where::kRead, http_get("http://192.168.1.1/"), "address_refused", kRefused,
         false},
        {"ssrf_zero", Where::kRead, http_get("http://0.0.0.0/"), "address_refused", kRefused, false},
        {"ssrf_localhost", Where::kRead, http_get("http://localhost/"), "address_refused", kRefused, false},
        {"ssrf_file", Where::kRead, http_get("file:///etc/passwd"), "invalid_request",
         "http.request failed (invalid_request): scheme 'file' is not allowed", false},
        // Exhausting the host's HTTP budget against an allowed address.
        {"http_calls", Where::kRead,
         "  for i = 1, 1000 do http.request{ url = config.base_url .. '/me' } end", "limit_exceeded",
         "http_calls", false},
        // At the top level: validate loads the script, so validation fails with the kind.
        {"top_loop", Where::kTop, "while true do end", "limit", "instructions", false},
        {"top_memory", Where::kTop, "local s = string.rep('x', 1 << 30)", "limit", "memory", false},
        {"top_io", Where::kTop, "local f = io.open('/etc/passwd')", "runtime", "'io'", false},
        {"top_os", Where::kTop, "os.exit(1)", "runtime", "'os'", false},
    };
    return list;
  }
};

TEST_F(LuaAttacks, CorpusFailsRightWhileOthersAreServed) {
  const ApiUser other = sign_up_another();
  const json good = test_body(kItemsScript);
  ASSERT_TRUE(good_test_ok(other, good));

  // Another user keeps using the server during the whole corpus.
  std::atomic<bool> stop{false};
  std::atomic<int> served{0}, failed{0};
  std::thread neighbour([&] {
    while (!stop) {
      (other.get("/healthz").status == 200 && good_test_ok(other, good) ? served : failed)++;
    }
  });

  const auto attacks = corpus();
  ASSERT_GE(attacks.size(), 30u);
  for (const auto& a : attacks) {
    SCOPED_TRACE(a.name);
    if (a.where == Where::kTop) {
      const json v = user.post_ok(kBase + "/validate", {{"script", at_top(a.lua)}});
      EXPECT_FALSE(v["valid"].get<bool>()) << v.dump(2);
      ASSERT_FALSE(v["errors"].empty()) << v.dump(2);
      const json& e = v["errors"][0];
      EXPECT_EQ(e.value("kind", ""), a.code) << e.dump(2);
      if (a.code == "limit") {
        EXPECT_EQ(e.value("limit", ""), a.detail) << e.dump(2);
      } else {
        EXPECT_NE(e.value("message", "").find(a.detail), std::string::npos) << e.dump(2);
      }
    } else {
      const json report = user.post_ok(kBase + "/test", test_body(in_read(a.lua)));
      EXPECT_FALSE(report["ok"].get<bool>()) << report.dump(2);
      const json& read = report["steps"][3];
      EXPECT_EQ(read["status"], "error") << report.dump(2);
      expect_error(read["error"], a, "test");
    }
    EXPECT_EQ(other.get("/healthz").status, 200);
    EXPECT_TRUE(good_test_ok(other, good));
  }
  stop = true;
  neighbour.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_GT(served.load(), 0);
}

TEST_F(LuaAttacks, DownloadJobsFailRight) {
  const ApiUser other = sign_up_another();
  const json good = test_body(kItemsScript);
  for (const auto& a : corpus()) {
    if (!a.download) continue;
    SCOPED_TRACE(a.name);
    const json created = create_connector(user, a.name, in_read(a.lua));
    const auto account = create_account(user, created["connector"], api);
    ASSERT_EQ(account.status, 201) << account.body;
    const std::string account_id = json::parse(account.body)["id"];
    const std::string sid = create_snapshot(user, a.name);
    add_table(user, sid, account_id, "t");
    const json job = download(user, sid, std::chrono::seconds(40));
    EXPECT_EQ(job.value("state", ""), "failed") << job.dump(2);
    const json& e = job["error"];
    EXPECT_EQ(e.value("code", ""), a.code) << job.dump(2);
    EXPECT_NE(e.value("message", "").find(a.detail), std::string::npos) << job.dump(2);
    EXPECT_EQ(e.value("retryable", true), false) << job.dump(2);
    EXPECT_EQ(job.value("attempts", 0), 1) << "a script failure is not retried: " << job.dump(2);
    EXPECT_EQ(other.get("/healthz").status, 200);
    EXPECT_TRUE(good_test_ok(other, good));
  }
}

// A pattern match that never returns inside one C call: the count hook cannot see it, so the runner's
// watchdog sends the report at the wall limit (2 s here) plus its grace, with the steps before it intact,
// instead of the runner being killed at the whole test's deadline (6 calls x 2 s + 5 s).
TEST_F(LuaAttacks, StuckCCallEndsAtTheWallLimit) {
  const auto start = std::chrono::steady_clock::now();
  const json report =
      user.post_ok(kBase + "/test", test_body(in_read("  local s = ('a'):rep(400):find('.-.-.-.-b')")));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 6.0) << report.dump(2);
  EXPECT_GE(seconds, 2.0) << report.dump(2);
  ASSERT_EQ(report["steps"].size(), 5u) << report.dump(2);
  EXPECT_EQ(report["steps"][2]["status"], "ok") << report.dump(2);
  const json& e = report["steps"][3]["error"];
  EXPECT_EQ(e.value("code", ""), "limit_exceeded") << report.dump(2);
  EXPECT_EQ(e.value("limit", ""), "time") << report.dump(2);
  EXPECT_EQ(e.value("function", ""), "read") << report.dump(2);
  EXPECT_EQ(report["steps"][4]["status"], "skipped") << report.dump(2);

  // The same at the top level, through validate; and the next caller gets a fresh runner.
  const json v =
      user.post_ok(kBase + "/validate", {{"script", at_top("local s = ('a'):rep(400):find('.-.-.-.-b')")}});
  EXPECT_FALSE(v["valid"].get<bool>()) << v.dump(2);
  EXPECT_EQ(v["errors"][0].value("limit", ""), "time") << v.dump(2);
  EXPECT_TRUE(good_test_ok(user, test_body(kItemsScript)));
}

// An http.request the guard refuses, left uncaught, keeps its own code; caught, the script decides.
TEST_F(LuaAttacks, RefusedAddressKeepsItsCode) {
  const json caught = user.post_ok(
      kBase + "/test",
      test_body(in_read("  local ok, err = pcall(http.request, { url = 'http://127.0.0.1:1/' })\n"
                        "  error({ code = 'upstream_down', message = tostring(err), retryable = true })")));
  const json& e = caught["steps"][3]["error"];
  EXPECT_EQ(e.value("code", ""), "upstream_down") << caught.dump(2);
  EXPECT_TRUE(e.value("retryable", false)) << caught.dump(2);
  // A look-alike string is not the host's refusal.
  const json fake = user.post_ok(
      kBase + "/test", test_body(in_read("  error('http.request failed (address_refused): fake')")));
  EXPECT_EQ(fake["steps"][3]["error"].value("code", ""), "script_error") << fake.dump(2);
}

// Tampering with shared tables (the string library, _G, json, metatables) in one run must not reach a later
// run: every call gets a fresh sandbox.
TEST_F(LuaAttacks, TamperingDoesNotReachALaterRun) {
  const std::string tamper = in_read(R"lua(
  string.upper = function() return "pwned" end
  string.format = nil
  string.rep = function() error("pwned rep") end
  json.encode = function() return "pwned" end
  table.insert = nil
  pcall(function() getmetatable("").__index = { upper = function() return "pwned" end } end)
  pcall(setmetatable, _G, { __index = function() return "pwned" end })
  pwned_global = true
  rawset(_G, "tostring", function() return "pwned" end)
  error("tampered")
)lua");
  const std::string probe = in_read(R"lua(
  local bad = {}
  if ("abc"):upper() ~= "ABC" then bad[#bad + 1] = "method upper" end
  if string.upper("abc") ~= "ABC" then bad[#bad + 1] = "string.upper" end
  if type(string.format) ~= "function" then bad[#bad + 1] = "string.format" end
  if string.rep("a", 3) ~= "aaa" then bad[#bad + 1] = "string.rep" end
  if json.encode({ 1 }) ~= "[1]" then bad[#bad + 1] = "json.encode" end
  if type(table.insert) ~= "function" then bad[#bad + 1] = "table.insert" end
  if rawget(_G, "pwned_global") ~= nil then bad[#bad + 1] = "global" end
  if getmetatable(_G) ~= nil and type(getmetatable(_G)) == "table" and getmetatable(_G).__index then
    bad[#bad + 1] = "_G metatable"
  end
  if tostring(1) ~= "1" then bad[#bad + 1] = "tostring" end
  if #bad > 0 then error({ code = "tampered", message = table.concat(bad, ", "), retryable = false }) end
)lua");
  // Two runners: alternate enough runs that each has run the tampering script before a probe.
  for (int round = 0; round < 4; ++round) {
    SCOPED_TRACE(round);
    const json t = user.post_ok(kBase + "/test", test_body(tamper));
    EXPECT_EQ(t["steps"][3]["error"]["code"], "script_error") << t.dump(2);
    const json p = user.post_ok(kBase + "/test", test_body(probe));
    EXPECT_TRUE(p["ok"].get<bool>()) << p.dump(2);
    EXPECT_EQ(p["steps"][3]["status"], "ok") << p.dump(2);
  }
  // The same at the top level: a tampering top level does not change what validate sees next.
  const json tv = user.post_ok(kBase + "/validate", {{"script", at_top("string.format = nil json = nil")}});
  EXPECT_TRUE(tv["valid"].get<bool>()) << tv.dump(2);
  const json pv = user.post_ok(
      kBase + "/validate",
      {{"script",
        at_top("assert(type(string.format) == 'function' and type(json) == 'table', 'tampered')")}});
  EXPECT_TRUE(pv["valid"].get<bool>()) << pv.dump(2);
}

}  // namespace
}  // namespace scratch::test

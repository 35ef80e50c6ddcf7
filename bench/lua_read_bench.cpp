// Records per second through a Lua connector's read() in the sandbox (scratch::lua::Sandbox: count hook,
// capped allocator, host modules, JSON <-> Lua conversion of arguments and result) versus the same script in
// a plain, unrestricted lua_State in the same process and run. No network: read() gets a page of N records as
// one JSON string in request.page, decodes it and maps every item to a contract record.
//
// Two JSON modes:
//   lua     (the ratio that counts) both sides run the SAME pure-Lua json (scripts-lua/dev/json.lua,
//   prepended
//           to the script as a local), so the only difference is the sandbox itself.
//   native  the sandbox's own C++ json global, against the plain state with the pure-Lua json: how fast a
//   real
//           connector reads in the sandbox (informational; not a like-for-like ratio).
// Usage: lua_read_bench --script bench/lua/read_bench.lua --json-lua scripts-lua/dev/json.lua
//                       [--records 2000] [--rounds 15]
// Prints one JSON object per line per mode, and a summary line.
#include <lua.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "lua/sandbox.hpp"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A page of `n` records shaped like a typical REST list answer.
std::string make_page(int n) {
  static const char* const kTags[] = {"work", "home", "idea", "urgent", "later"};
  json data = json::array();
  for (int i = 1; i <= n; ++i) {
    json tags = json::array();
    for (int t = 0; t < i % 3; ++t)
      tags.push_back(kTags[(i + t) % 5]);
    data.push_back(
        {{"id", i},
         {"title", "Note number " + std::to_string(i)},
         {"body", i % 7 == 0 ? json(nullptr)
                             : json("Line one of note " + std::to_string(i) +
                                    "\nLine two with \"quotes\" and \\ slashes")},
         {"pinned", i % 5 == 0},
         {"score", i * 1.25},
         {"views", i * 37},
         {"tags", tags},
         {"due_date", "2024-05-" + std::string(i % 28 < 9 ? "0" : "") + std::to_string(1 + i % 28)},
         {"folder_id", i % 6 == 0 ? json(nullptr) : json(1 + i % 3)},
         {"created_at", "2024-01-01T00:00:00Z"},
         {"updated_at", "2024-02-01T12:30:00Z"}});
  }
  return json{{"data", data}, {"has_more", false}, {"next_cursor", nullptr}}.dump();
}

// --- the plain side: an unrestricted lua_State, with straightforward JSON <-> Lua conversion
// ------------------
void push_plain(lua_State* L, const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      lua_pushnil(L);
      break;
    case json::value_t::boolean:
      lua_pushboolean(L, v.get<bool>());
      break;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      lua_pushinteger(L, v.get<lua_Integer>());
      break;
    case json::value_t::number_float:
      lua_pushnumber(L, v.get<double>());
      break;
    case json::value_t::string: {
      const auto& s = v.get_ref<const std::string&>();
      lua_pushlstring(L, s.data(), s.size());
      break;
    }
    case json::value_t::array: {
      lua_createtable(L, static_cast<int>(v.size()), 0);
      lua_Integer i = 1;
      for (const auto& item : v) {
        push_plain(L, item);
        lua_rawseti(L, -2, i++);
      }
      break;
    }
    default: {
      lua_createtable(L, 0, static_cast<int>(v.size()));
      for (const auto& [key, item] : v.items()) {
        push_plain(L, item);
        lua_setfield(L, -2, key.c_str());
      }
    }
  }
}

json to_plain_json(lua_State* L, int idx, int depth = 0) {
  idx = lua_absindex(L, idx);
  if (depth > 200) throw std::runtime_error("too deep");
  switch (lua_type(L, idx)) {
    case LUA_TNIL:
      return nullptr;
    case LUA_TBOOLEAN:
      return lua_toboolean(L, idx) != 0;
    case LUA_TNUMBER:
      if (lua_isinteger(L, idx)) return static_cast<std::int64_t>(lua_tointeger(L, idx));
      return lua_tonumber(L, idx);
    case LUA_TSTRING: {
      std::size_t len = 0;
      const char* s = lua_tolstring(L, idx, &len);
      return std::string(s, len);
    }
    case LUA_TTABLE: {
      const lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L, idx));
      std::size_t count = 0;
      lua_pushnil(L);
      while (lua_next(L, idx) != 0) {
        ++count;
        lua_pop(L, 1);
      }
      if (n > 0 && static_cast<std::size_t>(n) == count) {
        json out = json::array();
        for (lua_Integer i = 1; i <= n; ++i) {
          lua_rawgeti(L, idx, i);
          out.push_back(to_plain_json(L, -1, depth + 1));
          lua_pop(L, 1);
        }
        return out;
      }
      json out = json::object();
      lua_pushnil(L);
      while (lua_next(L, idx) != 0) {
        if (lua_type(L, -2) == LUA_TSTRING) out[lua_tostring(L, -2)] = to_plain_json(L, -1, depth + 1);
        lua_pop(L, 1);
      }
      return out;
    }
    default:
      return nullptr;  // json.null of the pure-Lua json (a table) never reaches here: mapped to nil
  }
}

class PlainState {
 public:
  explicit PlainState(const std::string& script) : L_(luaL_newstate()) {
    luaL_openlibs(L_);
    if (luaL_loadbufferx(L_, script.data(), script.size(), "=read_bench.lua", "t") != LUA_OK ||
        lua_pcall(L_, 0, 0, 0) != LUA_OK) {
      throw std::runtime_error(std::string("plain load: ") + lua_tostring(L_, -1));
    }
  }
  ~PlainState() { lua_close(L_); }
  PlainState(const PlainState&) = delete;
  PlainState& operator=(const PlainState&) = delete;

  json call(const std::string& fn, const std::vector<json>& args) {
    lua_getglobal(L_, fn.c_str());
    for (const auto& a : args)
      push_plain(L_, a);
    if (lua_pcall(L_, static_cast<int>(args.size()), 1, 0) != LUA_OK) {
      std::string message = lua_tostring(L_, -1) ? lua_tostring(L_, -1) : "(error object)";
      lua_pop(L_, 1);
      throw std::runtime_error("plain " + fn + ": " + message);
    }
    json out = to_plain_json(L_, -1);
    lua_pop(L_, 1);
    return out;
  }

 private:
  lua_State* L_;
};

struct Figures {
  double best_ms = 0, median_ms = 0;
};

Figures summarize(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  return {ms.front(), ms[ms.size() / 2]};
}

std::size_t record_count(const json& result) {
  if (!result.contains("records") || !result["records"].is_array()) {
    throw std::runtime_error("read() returned no records array: " + result.dump().substr(0, 300));
  }
  return result["records"].size();
}

}  // namespace

int main(int argc, char** argv) {
  std::string script_path = "bench/lua/read_bench.lua";
  std::string json_lua_path = "scripts-lua/dev/json.lua";
  int records = 2000;
  int rounds = 15;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--script")
      script_path = argv[i + 1];
    else if (flag == "--json-lua")
      json_lua_path = argv[i + 1];
    else if (flag == "--records")
      records = std::atoi(argv[i + 1]);
    else if (flag == "--rounds")
      rounds = std::atoi(argv[i + 1]);
    else {
      std::cerr << "unknown flag " << flag << "\n";
      return 2;
    }
  }
  try {
    const std::string script = read_text(script_path);
    const std::string json_lua = read_text(json_lua_path);
    // The same pure-Lua json on both sides, as a local that shadows any global json.
    const std::string with_lua_json = "local json = (function()\n" + json_lua + "\nend)()\n" + script;
    const std::string page = make_page(records);
    const json request = {{"table", "notes"}, {"page_size", records}, {"page", page}};
    const std::vector<json> args = {json::object(), json::object(), request};
    auto no_http = [](const json&) -> json {
      throw scratch::lua::HostError("unsupported", "no network here");
    };

    struct Mode {
      const char* name;
      const std::string* sandbox_script;
    };
    const Mode modes[] = {{"lua", &with_lua_json}, {"native", &script}};
    double lua_ratio = 0;
    for (const Mode& mode : modes) {
      scratch::lua::Sandbox sandbox(scratch::lua::Limits{}, no_http);
      if (auto err = sandbox.load(*mode.sandbox_script, "read_bench.lua")) {
        throw std::runtime_error("sandbox load: " + err->to_json().dump());
      }
      PlainState plain(with_lua_json);
      std::vector<double> sandbox_ms, plain_ms, ratios;
      auto run_sandbox = [&] {
        const auto t0 = Clock::now();
        auto result = sandbox.call("read", args);
        const auto t1 = Clock::now();
        if (result.error) throw std::runtime_error("sandbox read: " + result.error->to_json().dump());
        if (record_count(*result.value) != static_cast<std::size_t>(records)) {
          throw std::runtime_error("sandbox read returned the wrong number of records");
        }
        return std::chrono::duration<double, std::milli>(t1 - t0).count();
      };
      auto run_plain = [&] {
        const auto t0 = Clock::now();
        const json result = plain.call("read", args);
        const auto t1 = Clock::now();
        if (record_count(result) != static_cast<std::size_t>(records)) {
          throw std::runtime_error("plain read returned the wrong number of records");
        }
        return std::chrono::duration<double, std::milli>(t1 - t0).count();
      };
      for (int round = 0; round < rounds + 1; ++round) {  // round 0 warms up and is not counted
        // Alternate which side goes first, so drifting load and cache effects fall on both.
        double sandbox_time = 0, plain_time = 0;
        if (round % 2 == 0) {
          sandbox_time = run_sandbox();
          plain_time = run_plain();
        } else {
          plain_time = run_plain();
          sandbox_time = run_sandbox();
        }
        if (round == 0) continue;
        sandbox_ms.push_back(sandbox_time);
        plain_ms.push_back(plain_time);
        ratios.push_back(sandbox_time / plain_time);
      }
      const Figures s = summarize(sandbox_ms), p = summarize(plain_ms);
      std::sort(ratios.begin(), ratios.end());
      const double ratio = ratios[ratios.size() / 2];  // median of the per-round (adjacent runs) ratios
      if (std::string(mode.name) == "lua") lua_ratio = ratio;
      const auto stats = sandbox.stats();
      std::cout << json{{"mode", mode.name},
                        {"records_per_call", records},
                        {"page_bytes", page.size()},
                        {"rounds", rounds},
                        {"sandbox_median_ms", s.median_ms},
                        {"sandbox_best_ms", s.best_ms},
                        {"plain_median_ms", p.median_ms},
                        {"plain_best_ms", p.best_ms},
                        {"sandbox_records_per_second", records / (s.median_ms / 1000.0)},
                        {"plain_records_per_second", records / (p.median_ms / 1000.0)},
                        {"overhead_ratio", ratio},
                        {"ratio_of_medians", s.median_ms / p.median_ms},
                        {"ratio_of_bests", s.best_ms / p.best_ms},
                        {"sandbox_memory_peak_bytes", stats.memory_peak},
                        {"sandbox_instructions_last_run", stats.instructions}}
                       .dump()
                << std::endl;
    }
    std::cout << "{\"summary\":\"sandbox/plain time, median of per-round ratios, identical Lua "
                 "code\",\"overhead_ratio\":"
              << lua_ratio << ",\"target\":1.3,\"within_target\":" << (lua_ratio <= 1.3 ? "true" : "false")
              << "}" << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "lua_read_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

// JSON <-> Lua: integers stay integers, floats stay floats, json.null <-> null, sequences <-> arrays (tables
// from JSON arrays or json.array() stay arrays even when empty), a depth limit, no metamethods.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "lua/internal.hpp"

namespace scratch::lua {

namespace {

using nlohmann::json;

bool valid_utf8(const unsigned char* p, std::size_t n) {
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

// One step of the path to a value, for error messages ("$.records[3].fields").
struct PathStep {
  const char* key = nullptr;
  std::size_t key_len = 0;
  lua_Integer index = 0;
};

class Encoder {
 public:
  Encoder(lua_State* L, Sandbox::Impl* s) : L_(L), s_(s) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->ref_null);
    null_ = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->ref_array_marks);
    marks_ = lua_gettop(L);
  }

  json convert(int idx, int depth) {
    switch (lua_type(L_, idx)) {
      case LUA_TNIL:
        return nullptr;
      case LUA_TBOOLEAN:
        return static_cast<bool>(lua_toboolean(L_, idx));
      case LUA_TNUMBER: {
        charge(16);
        if (lua_isinteger(L_, idx)) return static_cast<std::int64_t>(lua_tointeger(L_, idx));
        const double d = lua_tonumber(L_, idx);
        if (!std::isfinite(d)) fail("NaN and infinity cannot be encoded as JSON");
        return d;
      }
      case LUA_TSTRING: {
        std::size_t len = 0;
        const char* p = lua_tolstring(L_, idx, &len);
        charge(len + 32);
        if (!valid_utf8(reinterpret_cast<const unsigned char*>(p), len)) fail("string is not valid UTF-8");
        return std::string(p, len);
      }
      case LUA_TLIGHTUSERDATA:
      case LUA_TUSERDATA:
        if (lua_rawequal(L_, idx, null_)) return nullptr;
        fail("cannot convert a userdata value");
      case LUA_TTABLE:
        return table(lua_absindex(L_, idx), depth);
      default:
        fail(std::string("cannot convert a ") + luaL_typename(L_, idx) + " value");
    }
  }

 private:
  [[noreturn]] void fail(const std::string& what) {
    std::string path = "$";
    for (const PathStep& step : path_) {
      if (step.key) {
        path += '.';
        path.append(step.key, step.key_len);
      } else {
        path += "[" + std::to_string(step.index) + "]";
      }
    }
    throw ConvertError(path + ": " + what);
  }

  void charge(std::size_t bytes) {
    produced_ += bytes;
    if (produced_ > s_->limits.memory_bytes) {
      s_->raise_limit(L_, Abort::memory,
                      "memory limit exceeded: the value converted to JSON is larger than " +
                          std::to_string(s_->limits.memory_bytes) + " bytes");
    }
  }

  json table(int t, int depth) {
    if (depth >= kMaxJsonDepth)
      fail("nested deeper than " + std::to_string(kMaxJsonDepth) + " levels (or a cycle)");
    luaL_checkstack(L_, 4, "json nesting");
    charge(32);
    lua_pushvalue(L_, t);
    const bool marked = lua_rawget(L_, marks_) != LUA_TNIL;
    lua_pop(L_, 1);
    std::size_t count = 0, strings = 0;
    lua_Integer max = 0;
    bool other = false;
    lua_pushnil(L_);
    while (lua_next(L_, t) != 0) {
      ++count;
      const int kt = lua_type(L_, -2);
      if (kt == LUA_TSTRING) {
        ++strings;
      } else if (kt == LUA_TNUMBER && lua_isinteger(L_, -2) && lua_tointeger(L_, -2) > 0) {
        max = std::max(max, lua_tointeger(L_, -2));
      } else {
        other = true;
      }
      lua_pop(L_, 1);
    }
    if (other) fail("table keys must be strings (objects) or 1..n (arrays)");
    if (count == 0) return marked ? json::array() : json::object();
    if (strings == 0) {
      const auto n = static_cast<std::uint64_t>(max);
      if (n != count && !(marked && n <= 2 * count + 64)) {
        fail("sparse array (" + std::to_string(count) + " elements, highest index " + std::to_string(max) +
             "): use json.null for missing elements");
      }
      json out = json::array();
      out.get_ref<json::array_t&>().reserve(static_cast<std::size_t>(n));
      for (lua_Integer i = 1; i <= max; ++i) {
        lua_rawgeti(L_, t, i);
        path_.push_back({nullptr, 0, i});
        out.push_back(convert(-1, depth + 1));
        path_.pop_back();
        lua_pop(L_, 1);
      }
      return out;
    }
    if (strings != count) fail("table mixes string keys and integer keys");
    if (marked) fail("table marked as a JSON array has string keys");
    json out = json::object();
    lua_pushnil(L_);
    while (lua_next(L_, t) != 0) {
      std::size_t len = 0;
      const char* key = lua_tolstring(L_, -2, &len);  // a string key: no conversion in place
      charge(len + 32);
      if (!valid_utf8(reinterpret_cast<const unsigned char*>(key), len))
        fail("object key is not valid UTF-8");
      path_.push_back({key, len, 0});
      out[std::string(key, len)] = convert(-1, depth + 1);
      path_.pop_back();
      lua_pop(L_, 1);
    }
    return out;
  }

  lua_State* L_;
  Sandbox::Impl* s_;
  int null_ = 0, marks_ = 0;
  std::size_t produced_ = 0;
  std::vector<PathStep> path_;
};

void mark_array(lua_State* L, int marks, int table) {
  lua_pushvalue(L, table);
  lua_pushboolean(L, 1);
  lua_rawset(L, marks);
}

void push_value(lua_State* L, const json& v, int depth, int null_idx, int marks) {
  if (depth > kMaxJsonDepth) {
    throw ConvertError("nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  luaL_checkstack(L, 4, "json nesting");
  switch (v.type()) {
    case json::value_t::boolean:
      lua_pushboolean(L, v.get<bool>());
      return;
    case json::value_t::number_integer:
      lua_pushinteger(L, v.get<std::int64_t>());
      return;
    case json::value_t::number_unsigned: {
      const auto u = v.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(std::numeric_limits<lua_Integer>::max())) {
        lua_pushnumber(L, static_cast<double>(u));
      } else {
        lua_pushinteger(L, static_cast<lua_Integer>(u));
      }
      return;
    }
    case json::value_t::number_float:
      lua_pushnumber(L, v.get<double>());
      return;
    case json::value_t::string: {
      const auto& s = v.get_ref<const std::string&>();
      lua_pushlstring(L, s.data(), s.size());
      return;
    }
    case json::value_t::array: {
      lua_createtable(L, static_cast<int>(std::min<std::size_t>(v.size(), 1u << 24)), 0);
      const int t = lua_gettop(L);
      lua_Integer i = 0;
      for (const json& item : v) {
        push_value(L, item, depth + 1, null_idx, marks);
        lua_rawseti(L, t, ++i);
      }
      mark_array(L, marks, t);
      return;
    }
    case json::value_t::object: {
      lua_createtable(L, 0, static_cast<int>(std::min<std::size_t>(v.size(), 1u << 24)));
      const int t = lua_gettop(L);
      for (const auto& [key, item] : v.items()) {
        lua_pushlstring(L, key.data(), key.size());
        push_value(L, item, depth + 1, null_idx, marks);
        lua_rawset(L, t);
      }
      return;
    }
    default:  // null, binary, discarded
      lua_pushvalue(L, null_idx);
      return;
  }
}

// json.decode without an intermediate tree: every table is built in the state (under its memory cap).
class DecodeSax {
 public:
  using number_integer_t = json::number_integer_t;
  using number_unsigned_t = json::number_unsigned_t;
  using number_float_t = json::number_float_t;
  using string_t = json::string_t;
  using binary_t = json::binary_t;

  DecodeSax(lua_State* L, int null_idx, int marks) : L_(L), null_(null_idx), marks_(marks) {}

  bool null() {
    lua_pushvalue(L_, null_);
    return add();
  }
  bool boolean(bool b) {
    lua_pushboolean(L_, b);
    return add();
  }
  bool number_integer(number_integer_t v) {
    lua_pushinteger(L_, v);
    return add();
  }
  bool number_unsigned(number_unsigned_t v) {
    if (v > static_cast<std::uint64_t>(std::numeric_limits<lua_Integer>::max())) {
      lua_pushnumber(L_, static_cast<double>(v));
    } else {
      lua_pushinteger(L_, static_cast<lua_Integer>(v));
    }
    return add();
  }
  bool number_float(number_float_t v, const string_t&) {
    lua_pushnumber(L_, v);
    return add();
  }
  bool string(string_t& v) {
    lua_pushlstring(L_, v.data(), v.size());
    return add();
  }
  bool binary(binary_t&) { return false; }
  bool start_object(std::size_t) { return open(false); }
  bool key(string_t& k) {
    lua_pushlstring(L_, k.data(), k.size());
    return true;
  }
  bool end_object() {
    levels_.pop_back();
    return add();
  }
  bool start_array(std::size_t) { return open(true); }
  bool end_array() {
    levels_.pop_back();
    mark_array(L_, marks_, lua_gettop(L_));
    return add();
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& ex) {
    error = ex.what();
    const std::size_t bracket = error.find("] ");
    if (error.rfind("[json.exception", 0) == 0 && bracket != std::string::npos) error.erase(0, bracket + 2);
    return false;
  }

  std::string error;

 private:
  struct Level {
    bool array;
    lua_Integer n;
  };

  bool open(bool array) {
    if (levels_.size() >= static_cast<std::size_t>(kMaxJsonDepth)) {
      error = "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
      return false;
    }
    luaL_checkstack(L_, 4, "json nesting");
    lua_newtable(L_);
    levels_.push_back({array, 0});
    return true;
  }
  bool add() {
    if (levels_.empty()) return true;
    Level& level = levels_.back();
    if (level.array) {
      lua_rawseti(L_, -2, ++level.n);
    } else {
      lua_rawset(L_, -3);
    }
    return true;
  }

  lua_State* L_;
  int null_, marks_;
  std::vector<Level> levels_;
};

int l_encode(lua_State* L) {
  luaL_checkany(L, 1);
  std::string error;
  std::string text;
  try {
    Encoder encoder(L, impl_of(L));
    text = encoder.convert(1, 0).dump();
  } catch (const std::exception& e) {
    error = std::string("json.encode: ") + e.what();
  }
  if (!error.empty()) raise_error(L, error);
  lua_pushlstring(L, text.data(), text.size());
  return 1;
}

int l_decode(lua_State* L) {
  std::size_t len = 0;
  const char* text = luaL_checklstring(L, 1, &len);
  Sandbox::Impl* s = impl_of(L);
  lua_settop(L, 1);
  lua_rawgeti(L, LUA_REGISTRYINDEX, s->ref_null);
  lua_rawgeti(L, LUA_REGISTRYINDEX, s->ref_array_marks);
  std::string error;
  {
    DecodeSax sax(L, 2, 3);
    bool ok = false;
    try {
      ok = json::sax_parse(text, text + len, &sax);
    } catch (const std::exception& e) {
      sax.error = e.what();
    }
    if (!ok) error = "json.decode: " + (sax.error.empty() ? std::string("invalid JSON") : sax.error);
  }
  if (!error.empty()) raise_error(L, error);
  return 1;
}

int l_array(lua_State* L) {
  if (lua_isnoneornil(L, 1)) {
    lua_settop(L, 0);
    lua_newtable(L);
  } else {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
  }
  lua_rawgeti(L, LUA_REGISTRYINDEX, impl_of(L)->ref_array_marks);
  mark_array(L, 2, 1);
  lua_settop(L, 1);
  return 1;
}

int l_is_array(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_rawgeti(L, LUA_REGISTRYINDEX, impl_of(L)->ref_array_marks);
  lua_pushvalue(L, 1);
  lua_pushboolean(L, lua_rawget(L, -2) != LUA_TNIL);
  return 1;
}

int l_null_tostring(lua_State* L) {
  lua_pushliteral(L, "null");
  return 1;
}

}  // namespace

json to_json(lua_State* L, int idx) {
  const int top = lua_gettop(L);
  idx = lua_absindex(L, idx);
  try {
    Encoder encoder(L, impl_of(L));
    json out = encoder.convert(idx, 0);
    lua_settop(L, top);
    return out;
  } catch (const ConvertError&) {
    lua_settop(L, top);
    throw;
  }
}

void push_json(lua_State* L, const json& value) {
  Sandbox::Impl* s = impl_of(L);
  const int top = lua_gettop(L);
  lua_rawgeti(L, LUA_REGISTRYINDEX, s->ref_null);
  lua_rawgeti(L, LUA_REGISTRYINDEX, s->ref_array_marks);
  try {
    push_value(L, value, 0, top + 1, top + 2);
  } catch (const ConvertError&) {
    lua_settop(L, top);
    throw;
  }
  lua_replace(L, top + 1);
  lua_settop(L, top + 1);
}

void open_json(lua_State* L) {
  Sandbox::Impl* s = impl_of(L);
  // The weak-keyed set of array tables.
  lua_newtable(L);
  lua_createtable(L, 0, 1);
  lua_pushliteral(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  s->ref_array_marks = luaL_ref(L, LUA_REGISTRYINDEX);

  lua_createtable(L, 0, 6);
  const int module = lua_gettop(L);
  // json.null: a unique userdata that prints as "null" and whose metatable is locked.
  lua_newuserdatauv(L, 0, 0);
  lua_createtable(L, 0, 3);
  lua_pushcfunction(L, l_null_tostring);
  lua_setfield(L, -2, "__tostring");
  lua_pushliteral(L, "json.null");
  lua_setfield(L, -2, "__metatable");
  lua_pushliteral(L, "json.null");
  lua_setfield(L, -2, "__name");
  lua_setmetatable(L, -2);
  lua_pushvalue(L, -1);
  s->ref_null = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_setfield(L, module, "null");
  const luaL_Reg functions[] = {{"encode", l_encode},
                                {"decode", l_decode},
                                {"array", l_array},
                                {"is_array", l_is_array},
                                {nullptr, nullptr}};
  luaL_setfuncs(L, functions, 0);
}

}  // namespace scratch::lua

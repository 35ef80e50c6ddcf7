// Host modules for scripts: log (captured per run), http.request (through the host's HttpFunction, counted),
// base64, url and time helpers.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "lua/internal.hpp"

namespace scratch::lua {

namespace {

using nlohmann::json;

constexpr std::size_t kMaxLogMessage = 8192;

// ---- log -------------------------------------------------------------------------------------------------

int write_log(lua_State* L, const char* level) {
  Sandbox::Impl* s = impl_of(L);
  const int n = lua_gettop(L);
  std::string message;
  for (int i = 1; i <= n; ++i) {
    std::size_t len = 0;
    const char* p = luaL_tolstring(L, i, &len);  // may run __tostring: script code, metered as usual
    if (i > 1) message += ' ';
    message.append(p, std::min(len, kMaxLogMessage + 1));
    lua_pop(L, 1);
    if (message.size() > kMaxLogMessage) break;
  }
  if (message.size() > kMaxLogMessage) {
    message.resize(kMaxLogMessage);
    message += " ...(truncated)";
  }
  if (s->log_bytes + message.size() > s->limits.log_bytes) {
    ++s->dropped_logs;
    return 0;
  }
  s->log_bytes += message.size();
  s->logs.push_back({level, std::move(message), s->current_script_line(L, 1)});
  return 0;
}

int l_log_debug(lua_State* L) {
  return write_log(L, "debug");
}
int l_log_info(lua_State* L) {
  return write_log(L, "info");
}
int l_log_warn(lua_State* L) {
  return write_log(L, "warn");
}
int l_log_error(lua_State* L) {
  return write_log(L, "error");
}

// ---- http ------------------------------------------------------------------------------------------------

std::string string_field(lua_State* L, int t, const char* name, bool required, const std::string& fallback) {
  const int type = lua_getfield(L, t, name);
  std::string out = fallback;
  if (type == LUA_TSTRING) {
    std::size_t len = 0;
    const char* p = lua_tolstring(L, -1, &len);
    out.assign(p, len);
  } else if (type != LUA_TNIL || required) {
    raise_error(
        L, std::string("http.request: '") + name + "' must be a string" +
               (type == LUA_TTABLE && std::string(name) == "body" ? " (use json.encode for a table)" : ""));
  }
  lua_pop(L, 1);
  return out;
}

int l_http_request(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  Sandbox::Impl* s = impl_of(L);
  json request = json::object();
  std::string method = string_field(L, 1, "method", false, "GET");
  std::transform(method.begin(), method.end(), method.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  request["method"] = method;
  request["url"] = string_field(L, 1, "url", true, "");
  json headers = json::object();
  const int ht = lua_getfield(L, 1, "headers");
  if (ht == LUA_TTABLE) {
    lua_pushnil(L);
    while (lua_next(L, -2) != 0) {
      if (lua_type(L, -2) != LUA_TSTRING ||
          (lua_type(L, -1) != LUA_TSTRING && lua_type(L, -1) != LUA_TNUMBER)) {
        raise_error(L, "http.request: headers must map names to strings");
      }
      lua_pushvalue(L, -1);  // tolstring on a copy: a number converts in place
      std::size_t klen = 0, vlen = 0;
      const char* k = lua_tolstring(L, -3, &klen);
      const char* v = lua_tolstring(L, -1, &vlen);
      headers[std::string(k, klen)] = std::string(v, vlen);
      lua_pop(L, 2);
    }
  } else if (ht != LUA_TNIL) {
    raise_error(L, "http.request: 'headers' must be a table");
  }
  lua_pop(L, 1);
  request["headers"] = std::move(headers);
  const int bt = lua_getfield(L, 1, "body");
  lua_pop(L, 1);
  request["body"] = bt == LUA_TNIL ? json(nullptr) : json(string_field(L, 1, "body", false, ""));
  double timeout_ms = 30000;
  const int tt = lua_getfield(L, 1, "timeout");
  if (tt == LUA_TNUMBER) {
    timeout_ms = lua_tonumber(L, -1) * 1000.0;
    if (!(timeout_ms > 0)) raise_error(L, "http.request: 'timeout' (seconds) must be positive");
  } else if (tt != LUA_TNIL) {
    raise_error(L, "http.request: 'timeout' must be a number of seconds");
  }
  lua_pop(L, 1);

  if (s->http_calls >= s->limits.http_calls) s->raise_limit(L, Abort::http_calls);
  ++s->http_calls;
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(s->deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) s->raise_limit(L, Abort::time);
  request["timeout_ms"] =
      static_cast<std::int64_t>(std::min<double>(timeout_ms, static_cast<double>(left.count())));

  json response;
  std::string failure;
  bool host_failed = false;
  if (!s->http) {
    failure = "http.request failed (unavailable): no HTTP function in this sandbox";
  } else {
    try {
      response = s->http(request);
    } catch (const HostError& e) {
      failure = "http.request failed (" + e.code + "): " + e.what();
      s->http_failure_text = failure;
      s->http_failure_code = e.code;
      s->http_failure_retryable = e.retryable;
    } catch (const std::exception& e) {
      failure = std::string("the host's HTTP function failed: ") + e.what();
      host_failed = true;
    }
  }
  if (host_failed) s->raise_limit(L, Abort::host, failure);
  if (!failure.empty()) raise_error(L, failure);
  if (std::chrono::steady_clock::now() > s->deadline) s->raise_limit(L, Abort::time);
  if (!response.is_object() || !response.contains("status") || !response["status"].is_number_integer()) {
    s->raise_limit(L, Abort::host, "the host's HTTP function returned a malformed response");
  }
  std::size_t bytes = 0;
  const json empty_headers = json::object();
  const json& rh =
      response.contains("headers") && response["headers"].is_object() ? response["headers"] : empty_headers;
  for (const auto& [k, v] : rh.items())
    bytes += k.size() + (v.is_string() ? v.get_ref<const std::string&>().size() : 16);
  const json& body = response.contains("body") ? response["body"] : json();
  if (body.is_string()) bytes += body.get_ref<const std::string&>().size();
  s->http_bytes += bytes;
  if (s->http_bytes > s->limits.http_bytes) s->raise_limit(L, Abort::http_bytes);

  lua_createtable(L, 0, 3);
  lua_pushinteger(L, response["status"].get<std::int64_t>());
  lua_setfield(L, -2, "status");
  std::string error;
  try {
    push_json(L, rh);
  } catch (const ConvertError& e) {
    error = e.what();
  }
  if (!error.empty()) s->raise_limit(L, Abort::host, "the host's HTTP response headers: " + error);
  lua_setfield(L, -2, "headers");
  if (body.is_string()) {
    const auto& b = body.get_ref<const std::string&>();
    lua_pushlstring(L, b.data(), b.size());
  } else {
    lua_pushliteral(L, "");
  }
  lua_setfield(L, -2, "body");
  return 1;
}

// ---- base64 ----------------------------------------------------------------------------------------------

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int l_base64_encode(lua_State* L) {
  std::size_t len = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(luaL_checklstring(L, 1, &len));
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (std::size_t i = 0; i < len; i += 3) {
    const std::uint32_t n = (p[i] << 16) | (i + 1 < len ? p[i + 1] << 8 : 0) | (i + 2 < len ? p[i + 2] : 0);
    char out[4] = {kBase64[(n >> 18) & 63], kBase64[(n >> 12) & 63],
                   i + 1 < len ? kBase64[(n >> 6) & 63] : '=', i + 2 < len ? kBase64[n & 63] : '='};
    luaL_addlstring(&b, out, 4);
  }
  luaL_pushresult(&b);
  return 1;
}

int base64_value(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

// Accepts the standard and the URL-safe alphabet, with or without padding; skips whitespace.
int l_base64_decode(lua_State* L) {
  std::size_t len = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(luaL_checklstring(L, 1, &len));
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  std::uint32_t acc = 0;
  int bits = 0;
  bool padding = false;
  for (std::size_t i = 0; i < len; ++i) {
    const unsigned char c = p[i];
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      padding = true;
      continue;
    }
    const int v = base64_value(c);
    if (v < 0 || padding) {
      return luaL_error(L, "base64.decode: invalid character at position %d", static_cast<int>(i + 1));
    }
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      luaL_addchar(&b, static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  if (bits >= 6) return luaL_error(L, "base64.decode: truncated input");
  luaL_pushresult(&b);
  return 1;
}

// ---- url -------------------------------------------------------------------------------------------------

void percent_encode(std::string& out, const char* p, std::size_t len) {
  static const char hex[] = "0123456789ABCDEF";
  for (std::size_t i = 0; i < len; ++i) {
    const auto c = static_cast<unsigned char>(p[i]);
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
}

int l_url_encode(lua_State* L) {
  std::size_t len = 0;
  const char* p = luaL_checklstring(L, 1, &len);
  std::string out;
  percent_encode(out, p, len);
  lua_pushlstring(L, out.data(), out.size());
  return 1;
}

int l_url_decode(lua_State* L) {
  std::size_t len = 0;
  const char* p = luaL_checklstring(L, 1, &len);
  std::string out;
  const auto hexval = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < len; ++i) {
    if (p[i] == '%' && i + 2 < len && hexval(p[i + 1]) >= 0 && hexval(p[i + 2]) >= 0) {
      out += static_cast<char>(hexval(p[i + 1]) * 16 + hexval(p[i + 2]));
      i += 2;
    } else {
      out += p[i];
    }
  }
  lua_pushlstring(L, out.data(), out.size());
  return 1;
}

// The value at the top as query text; false when it should be skipped (json.null).
bool query_value(lua_State* L, std::string& out) {
  switch (lua_type(L, -1)) {
    case LUA_TSTRING: {
      std::size_t len = 0;
      const char* p = lua_tolstring(L, -1, &len);
      percent_encode(out, p, len);
      return true;
    }
    case LUA_TNUMBER: {
      char buf[64];
      if (lua_isinteger(L, -1)) {
        std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(lua_tointeger(L, -1)));
      } else {
        std::snprintf(buf, sizeof buf, "%.14g", lua_tonumber(L, -1));
      }
      out += buf;
      return true;
    }
    case LUA_TBOOLEAN:
      out += lua_toboolean(L, -1) ? "true" : "false";
      return true;
    default:
      return false;
  }
}

// url.query{a=1, b="x y", tags={"p","q"}} -> "a=1&b=x%20y&tags=p&tags=q" (keys sorted).
int l_url_query(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  std::vector<std::string> keys;
  lua_pushnil(L);
  while (lua_next(L, 1) != 0) {
    if (lua_type(L, -2) != LUA_TSTRING) return luaL_error(L, "url.query: keys must be strings");
    keys.emplace_back(lua_tostring(L, -2));
    lua_pop(L, 1);
  }
  std::sort(keys.begin(), keys.end());
  std::string out;
  const auto add = [&](const std::string& key) {
    std::string item;
    percent_encode(item, key.data(), key.size());
    item += '=';
    if (!query_value(L, item)) {
      if (lua_type(L, -1) == LUA_TUSERDATA) return;  // json.null: skipped
      luaL_error(L, "url.query: value of '%s' must be a string, number, boolean or list", key.c_str());
    }
    if (!out.empty()) out += '&';
    out += item;
  };
  for (const std::string& key : keys) {
    lua_getfield(L, 1, key.c_str());
    if (lua_type(L, -1) == LUA_TTABLE) {
      const lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L, -1));
      for (lua_Integer i = 1; i <= n; ++i) {
        lua_rawgeti(L, -1, i);
        add(key);
        lua_pop(L, 1);
      }
    } else {
      add(key);
    }
    lua_pop(L, 1);
  }
  lua_pushlstring(L, out.data(), out.size());
  return 1;
}

// ---- time ------------------------------------------------------------------------------------------------

int l_time_now(lua_State* L) {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  lua_pushnumber(L, std::chrono::duration<double>(now).count());
  return 1;
}

// time.iso(epoch) -> "2024-05-01T12:00:00Z" (milliseconds when fractional).
int l_time_iso(lua_State* L) {
  double epoch =
      lua_isnoneornil(L, 1)
          ? std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count()
          : luaL_checknumber(L, 1);
  if (!std::isfinite(epoch) || std::fabs(epoch) > 253402300799.0)
    return luaL_error(L, "time.iso: epoch out of range");
  using namespace std::chrono;
  const auto ms = static_cast<long long>(std::llround(epoch * 1000.0));
  const sys_time<milliseconds> tp{milliseconds{ms}};
  const auto day = floor<days>(tp);
  const year_month_day ymd{day};
  const hh_mm_ss<milliseconds> hms{tp - day};
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(ymd.year()),
                        static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                        static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                        static_cast<int>(hms.seconds().count()));
  if (hms.subseconds().count() != 0) {
    n += std::snprintf(buf + n, sizeof buf - n, ".%03d", static_cast<int>(hms.subseconds().count()));
  }
  std::snprintf(buf + n, sizeof buf - n, "Z");
  lua_pushstring(L, buf);
  return 1;
}

bool digits(const std::string& s, std::size_t& i, int count, int& out) {
  out = 0;
  for (int k = 0; k < count; ++k, ++i) {
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// time.parse_iso("2024-05-01T12:00:00.5+02:00") -> epoch seconds, or nil and a message. Accepts a date alone,
// minutes without seconds, a space instead of T, fractions, Z or an offset (UTC when absent).
int l_time_parse_iso(lua_State* L) {
  const std::string s = luaL_checkstring(L, 1);
  const auto fail = [&](const char* why) {
    lua_pushnil(L);
    lua_pushfstring(L, "time.parse_iso: %s in '%s'", why, s.c_str());
    return 2;
  };
  std::size_t i = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  double frac = 0;
  if (!digits(s, i, 4, y) || i >= s.size() || s[i++] != '-' || !digits(s, i, 2, mo) || i >= s.size() ||
      s[i++] != '-' || !digits(s, i, 2, d)) {
    return fail("expected YYYY-MM-DD");
  }
  if (i < s.size() && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
    ++i;
    if (!digits(s, i, 2, h) || i >= s.size() || s[i++] != ':' || !digits(s, i, 2, mi))
      return fail("expected HH:MM");
    if (i < s.size() && s[i] == ':') {
      ++i;
      if (!digits(s, i, 2, sec)) return fail("expected seconds");
      if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
        ++i;
        double scale = 0.1;
        const std::size_t start = i;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
          frac += (s[i] - '0') * scale;
          scale /= 10;
          ++i;
        }
        if (i == start) return fail("expected digits after the decimal point");
      }
    }
  }
  long offset = 0;
  if (i < s.size()) {
    if (s[i] == 'Z' || s[i] == 'z') {
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      const int sign = s[i++] == '-' ? -1 : 1;
      int oh = 0, om = 0;
      if (!digits(s, i, 2, oh)) return fail("expected an offset +HH:MM");
      if (i < s.size() && s[i] == ':') ++i;
      if (i < s.size() && !digits(s, i, 2, om)) return fail("expected an offset +HH:MM");
      if (oh > 23 || om > 59) return fail("invalid offset");
      offset = sign * (oh * 3600L + om * 60L);
    }
  }
  if (i != s.size()) return fail("unexpected text");
  using namespace std::chrono;
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return fail("invalid date or time");
  const long long days_since = sys_days{ymd}.time_since_epoch().count();
  const long long whole = days_since * 86400 + h * 3600LL + mi * 60LL + sec - offset;
  if (frac == 0) {
    lua_pushinteger(L, whole);
  } else {
    lua_pushnumber(L, static_cast<double>(whole) + frac);
  }
  return 1;
}

}  // namespace

int l_print(lua_State* L) {
  return write_log(L, "info");
}

void open_log(lua_State* L) {
  const luaL_Reg functions[] = {{"debug", l_log_debug},
                                {"info", l_log_info},
                                {"warn", l_log_warn},
                                {"error", l_log_error},
                                {nullptr, nullptr}};
  luaL_newlib(L, functions);
}

void open_http(lua_State* L) {
  const luaL_Reg functions[] = {{"request", l_http_request}, {nullptr, nullptr}};
  luaL_newlib(L, functions);
}

void open_base64(lua_State* L) {
  const luaL_Reg functions[] = {{"encode", l_base64_encode}, {"decode", l_base64_decode}, {nullptr, nullptr}};
  luaL_newlib(L, functions);
}

void open_url(lua_State* L) {
  const luaL_Reg functions[] = {
      {"encode", l_url_encode}, {"decode", l_url_decode}, {"query", l_url_query}, {nullptr, nullptr}};
  luaL_newlib(L, functions);
}

void open_time(lua_State* L) {
  const luaL_Reg functions[] = {
      {"now", l_time_now}, {"iso", l_time_iso}, {"parse_iso", l_time_parse_iso}, {nullptr, nullptr}};
  luaL_newlib(L, functions);
}

}  // namespace scratch::lua

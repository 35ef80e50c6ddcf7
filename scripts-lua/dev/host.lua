-- A development stand-in for the Scratch Lua sandbox, for plain lua5.4 (never shipped, never loaded by scratchd).
-- host.new{lib_dir=, log=} builds an environment with exactly the globals a connector gets in the sandbox
-- (json, http, log, base64, url, time, require of scripts-lua/lib modules, and the safe base library), so a
-- script that runs here and touches nothing else runs in the sandbox. http.request is done with curl through
-- io.popen: fine for a developer's machine, and the reason this file is dev-only. No limits are enforced here.
local host = {}

local here = debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "."
package.path = here .. "/?.lua;" .. package.path
local json = require("json")

local function shell_quote(s) return "'" .. tostring(s):gsub("'", "'\\''") .. "'" end

local function read_file(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local text = f:read("a")
  f:close()
  return text
end

-- http.request{method=, url=, headers=, body=, timeout= (seconds)} -> {status=, headers=, body=}
local function http_request(stats)
  return function(req)
    if type(req) ~= "table" or type(req.url) ~= "string" then
      error({ code = "invalid_request", message = "http.request needs a table with a url" }, 2)
    end
    if not req.url:match("^https?://") then
      error({ code = "invalid_request", message = "only http:// and https:// URLs" }, 2)
    end
    stats.http_calls = stats.http_calls + 1
    local body_file, header_file, out_file = os.tmpname(), os.tmpname(), os.tmpname()
    local args = { "curl", "-s", "-S", "-X", shell_quote(req.method or "GET"), "-D", shell_quote(header_file),
                   "-o", shell_quote(out_file), "-w", "'%{http_code}'", "--max-time",
                   tostring(req.timeout or 30) }
    for name, value in pairs(req.headers or {}) do
      args[#args + 1] = "-H " .. shell_quote(name .. ": " .. value)
    end
    if req.body ~= nil then
      local f = assert(io.open(body_file, "wb"))
      f:write(req.body)
      f:close()
      args[#args + 1] = "--data-binary @" .. shell_quote(body_file)
    end
    args[#args + 1] = shell_quote(req.url)
    local pipe = assert(io.popen(table.concat(args, " ") .. " 2>&1"))
    local status_text = pipe:read("a")
    pipe:close()
    local raw_headers, body = read_file(header_file) or "", read_file(out_file) or ""
    os.remove(body_file); os.remove(header_file); os.remove(out_file)
    local status = tonumber(status_text:match("(%d%d%d)$") or "")
    if not status or status == 0 then
      error({ code = "connect_failed", message = "no response from " .. req.url:gsub("%?.*", "") .. ": " ..
              status_text:gsub("%s+$", "") }, 2)
    end
    -- Only the last header block counts (curl writes one per response, e.g. after a 100 Continue).
    local headers = {}
    for line in raw_headers:gmatch("[^\r\n]*") do
      if line:match("^HTTP/") then headers = {} end
      local name, value = line:match("^([^:%s]+):%s*(.-)%s*$")
      if name then headers[name:lower()] = value end
    end
    stats.http_bytes = stats.http_bytes + #body
    return { status = status, headers = headers, body = body }
  end
end

local b64chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local base64 = {}
function base64.encode(s)
  return ((s:gsub(".", function(c)
    local bits, b = "", c:byte()
    for i = 8, 1, -1 do bits = bits .. (b % 2 ^ i - b % 2 ^ (i - 1) > 0 and "1" or "0") end
    return bits
  end) .. "0000"):gsub("%d%d%d?%d?%d?%d?", function(x)
    if #x < 6 then return "" end
    local c = 0
    for i = 1, 6 do c = c + (x:sub(i, i) == "1" and 2 ^ (6 - i) or 0) end
    return b64chars:sub(c + 1, c + 1)
  end) .. ({ "", "==", "=" })[#s % 3 + 1])
end
function base64.decode(s)
  s = s:gsub("[^" .. b64chars .. "=]", "")
  return (s:gsub(".", function(x)
    if x == "=" then return "" end
    local bits, f = "", (b64chars:find(x, 1, true) - 1)
    for i = 6, 1, -1 do bits = bits .. (f % 2 ^ i - f % 2 ^ (i - 1) > 0 and "1" or "0") end
    return bits
  end):gsub("%d%d%d?%d?%d?%d?%d?%d?", function(x)
    if #x ~= 8 then return "" end
    local c = 0
    for i = 1, 8 do c = c + (x:sub(i, i) == "1" and 2 ^ (8 - i) or 0) end
    return string.char(c)
  end))
end

local url = {}
function url.encode(s)
  return (tostring(s):gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", c:byte()) end))
end
function url.query(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys)
  local parts = {}
  for _, k in ipairs(keys) do parts[#parts + 1] = url.encode(k) .. "=" .. url.encode(tostring(t[k])) end
  return table.concat(parts, "&")
end

local time = {}
function time.now()
  local pipe = io.popen("date +%s.%N")
  local text = pipe:read("a")
  pipe:close()
  return tonumber(text) or os.time()
end
function time.iso(epoch) return os.date("!%Y-%m-%dT%H:%M:%SZ", math.floor(epoch)) end
function time.parse_iso(s)
  local y, mo, d, h, mi, sec, frac, zone = tostring(s):match(
    "^(%d%d%d%d)-(%d%d)-(%d%d)[T ](%d%d):(%d%d):(%d%d)(%.?%d*)(.*)$")
  if not y then
    y, mo, d = tostring(s):match("^(%d%d%d%d)-(%d%d)-(%d%d)$")
    if not y then return nil, "time.parse_iso: not an ISO 8601 date or datetime in '" .. tostring(s) .. "'" end
    h, mi, sec, frac, zone = "0", "0", "0", "", "Z"
  end
  -- days from civil (Howard Hinnant), so no local time zone is involved
  y, mo, d = tonumber(y), tonumber(mo), tonumber(d)
  y = mo <= 2 and y - 1 or y
  local era = (y >= 0 and y or y - 399) // 400
  local yoe = y - era * 400
  local doy = (153 * (mo + (mo > 2 and -3 or 9)) + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  local epoch = (era * 146097 + doe - 719468) * 86400 + tonumber(h) * 3600 + tonumber(mi) * 60 + tonumber(sec)
  local offset = 0
  if zone ~= "Z" and zone ~= "z" and zone ~= "" then
    local sign, oh, om = zone:match("^([+-])(%d%d):?(%d%d)$")
    if not sign then return nil, "time.parse_iso: bad zone in '" .. tostring(s) .. "'" end
    offset = (tonumber(oh) * 3600 + tonumber(om) * 60) * (sign == "+" and 1 or -1)
  end
  return epoch - offset + (tonumber("0" .. frac) or 0)
end

-- Builds a fresh environment. options: lib_dir (the helper modules; default ../lib), log (function(level, text))
function host.new(options)
  options = options or {}
  local lib_dir = options.lib_dir or (here .. "/../lib")
  local stats = { http_calls = 0, http_bytes = 0, logs = {} }
  local env = {}
  for _, name in ipairs({ "assert", "error", "ipairs", "next", "pairs", "pcall", "select", "tonumber",
                          "tostring", "type", "rawequal", "rawget", "rawlen", "rawset", "setmetatable",
                          "getmetatable", "_VERSION", "xpcall" }) do
    env[name] = _G[name]
  end
  local function copy(t)
    local c = {}
    for k, v in pairs(t) do c[k] = v end
    return c
  end
  env.string = copy(string); env.string.dump = nil
  env.table, env.math, env.utf8, env.coroutine = copy(table), copy(math), copy(utf8), copy(coroutine)
  env.json = json
  env.http = { request = http_request(stats) }
  env.base64, env.url, env.time = base64, url, time
  local function logger(level)
    return function(text)
      local line = debug.getinfo(2, "l").currentline
      stats.logs[#stats.logs + 1] = { level = level, message = tostring(text), line = line }
      if options.log then options.log(level, tostring(text), line) end
    end
  end
  env.log = { debug = logger("debug"), info = logger("info"), warn = logger("warn"), error = logger("error") }
  local print_log = logger("info")
  env.print = function(...)
    local parts = table.pack(...)
    for i = 1, parts.n do parts[i] = tostring(parts[i]) end
    print_log(table.concat(parts, "\t", 1, parts.n))
  end
  local loaded = {}
  env.require = function(name)
    if loaded[name] ~= nil then return loaded[name] end
    if type(name) ~= "string" or not name:match("^[%w_]+$") then error("module '" .. tostring(name) .. "' not found", 2) end
    local text = read_file(lib_dir .. "/" .. name .. ".lua")
    if not text then error("module '" .. name .. "' not found (only scripts-lua/lib modules)", 2) end
    local chunk = assert(load(text, "@" .. name .. ".lua", "t", env))
    loaded[name] = chunk(name) or true
    return loaded[name]
  end
  env._G = env
  return env, stats
end

-- Loads a connector script into a fresh environment: returns env, stats (or raises the load error).
function host.load(path, options)
  local text = assert(read_file(path), "cannot read " .. path)
  local env, stats = host.new(options)
  local chunk, err = load(text, "@" .. path:match("[^/]*$"), "t", env)
  if not chunk then error({ kind = "syntax", message = err }, 0) end
  chunk()
  return env, stats
end

-- Calls env[fn](...) the way the sandbox does: a table error keeps its code; anything else is "script_error".
-- Returns true, result or false, {code=, message=, retryable=}.
function host.call(env, fn, ...)
  if type(env[fn]) ~= "function" then
    return false, { code = "contract", message = "the script defines no function " .. fn, retryable = false }
  end
  local ok, result = xpcall(env[fn], function(e)
    if type(e) == "table" then return e end
    return { code = "script_error", message = tostring(e), traceback = debug.traceback(nil, 2) }
  end, ...)
  if ok then return true, result end
  if result.code == nil then result = { code = "script_error", message = json.encode(result) } end
  return false, result
end

host.json = json
return host

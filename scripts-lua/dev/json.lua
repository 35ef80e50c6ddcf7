-- A pure-Lua stand-in for the sandbox's `json` global, for running connectors under plain lua5.4 (dev/host.lua)
-- and for the benchmark's "identical code on both sides" mode (bench/lua-read.sh). Same rules as the sandbox:
-- json.null is the null sentinel, json.array(t) marks a table as an array (so an empty one encodes as []),
-- decoded arrays keep that mark, integers stay integers, NaN/inf and non-string keys are refused.
local json = {}

local array_mt = { __name = "json.array" }
json.null = setmetatable({}, { __name = "json.null", __tostring = function() return "json.null" end })

function json.array(t)
  t = t or {}
  if type(t) ~= "table" then error("json.array: expected a table", 2) end
  return setmetatable(t, array_mt)
end

function json.is_array(t) return getmetatable(t) == array_mt end

-- encode ------------------------------------------------------------------------------------------------------
local escapes = { ['"'] = '\\"', ['\\'] = '\\\\', ['\b'] = '\\b', ['\f'] = '\\f', ['\n'] = '\\n', ['\r'] = '\\r',
                  ['\t'] = '\\t' }
local function escape_char(c) return escapes[c] or string.format("\\u%04x", c:byte()) end
local function encode_string(s) return '"' .. s:gsub('[%c"\\]', escape_char) .. '"' end

local encode_value
local function encode_table(t, depth, out)
  if depth > 200 then error("json.encode: nested deeper than 200", 0) end
  local n = #t
  local is_array = getmetatable(t) == array_mt
  if not is_array and n > 0 then
    local count = 0
    for _ in pairs(t) do count = count + 1 end
    is_array = count == n
  end
  if is_array then
    out[#out + 1] = "["
    for i = 1, n do
      if i > 1 then out[#out + 1] = "," end
      encode_value(t[i], depth + 1, out)
    end
    out[#out + 1] = "]"
    return
  end
  local keys = {}
  for k in pairs(t) do
    if type(k) ~= "string" then error("json.encode: object keys must be strings, got " .. type(k), 0) end
    keys[#keys + 1] = k
  end
  table.sort(keys)
  out[#out + 1] = "{"
  for i, k in ipairs(keys) do
    if i > 1 then out[#out + 1] = "," end
    out[#out + 1] = encode_string(k)
    out[#out + 1] = ":"
    encode_value(t[k], depth + 1, out)
  end
  out[#out + 1] = "}"
end

encode_value = function(v, depth, out)
  local kind = type(v)
  if v == nil or v == json.null then
    out[#out + 1] = "null"
  elseif kind == "boolean" then
    out[#out + 1] = v and "true" or "false"
  elseif kind == "number" then
    if v ~= v or v == math.huge or v == -math.huge then error("json.encode: NaN or infinity", 0) end
    out[#out + 1] = math.type(v) == "integer" and string.format("%d", v) or string.format("%.17g", v)
  elseif kind == "string" then
    out[#out + 1] = encode_string(v)
  elseif kind == "table" then
    encode_table(v, depth, out)
  else
    error("json.encode: cannot encode a " .. kind, 0)
  end
end

function json.encode(v)
  local out = {}
  encode_value(v, 0, out)
  return table.concat(out)
end

-- decode ------------------------------------------------------------------------------------------------------
local find, sub, byte = string.find, string.sub, string.byte

local function fail(text, pos, what)
  local line = 1
  for _ in sub(text, 1, pos - 1):gmatch("\n") do line = line + 1 end
  error(string.format("json.decode: %s at line %d (byte %d)", what, line, pos), 0)
end

local function utf8_of(code)
  return utf8.char(code)
end

local decode_value

local function decode_string(text, pos) -- pos at the opening quote; returns string, next pos
  local parts, start = nil, pos + 1
  while true do
    local stop = find(text, '["\\%c]', start)
    if not stop then fail(text, pos, "unterminated string") end
    local c = byte(text, stop)
    if c == 34 then -- "
      local piece = sub(text, start, stop - 1)
      if parts then
        parts[#parts + 1] = piece
        return table.concat(parts), stop + 1
      end
      return piece, stop + 1
    elseif c == 92 then -- backslash
      parts = parts or {}
      parts[#parts + 1] = sub(text, start, stop - 1)
      local e = sub(text, stop + 1, stop + 1)
      if e == "u" then
        local hex = sub(text, stop + 2, stop + 5)
        if not hex:find("^%x%x%x%x$") then fail(text, stop, "bad \\u escape") end
        local code = tonumber(hex, 16)
        local used = 6
        if code >= 0xD800 and code <= 0xDBFF and sub(text, stop + 6, stop + 7) == "\\u" then
          local low = tonumber(sub(text, stop + 8, stop + 11), 16)
          if low and low >= 0xDC00 and low <= 0xDFFF then
            code = 0x10000 + (code - 0xD800) * 0x400 + (low - 0xDC00)
            used = 12
          end
        end
        parts[#parts + 1] = utf8_of(code)
        start = stop + used
      else
        local map = { ['"'] = '"', ['\\'] = '\\', ['/'] = '/', b = '\b', f = '\f', n = '\n', r = '\r', t = '\t' }
        if not map[e] then fail(text, stop, "bad escape") end
        parts[#parts + 1] = map[e]
        start = stop + 2
      end
    else
      fail(text, stop, "control character in string")
    end
  end
end

local function skip(text, pos)
  local _, stop = find(text, "^[ \n\r\t]*", pos)
  return stop + 1
end

decode_value = function(text, pos, depth)
  if depth > 200 then fail(text, pos, "nested deeper than 200") end
  pos = skip(text, pos)
  local c = byte(text, pos)
  if c == 123 then -- {
    local obj = {}
    pos = skip(text, pos + 1)
    if byte(text, pos) == 125 then return obj, pos + 1 end
    while true do
      if byte(text, pos) ~= 34 then fail(text, pos, "expected a string key") end
      local key
      key, pos = decode_string(text, pos)
      pos = skip(text, pos)
      if byte(text, pos) ~= 58 then fail(text, pos, "expected ':'") end
      local value
      value, pos = decode_value(text, pos + 1, depth + 1)
      obj[key] = value
      pos = skip(text, pos)
      c = byte(text, pos)
      if c == 125 then return obj, pos + 1 end
      if c ~= 44 then fail(text, pos, "expected ',' or '}'") end
      pos = skip(text, pos + 1)
    end
  elseif c == 91 then -- [
    local arr, n = setmetatable({}, array_mt), 0
    pos = skip(text, pos + 1)
    if byte(text, pos) == 93 then return arr, pos + 1 end
    while true do
      local value
      value, pos = decode_value(text, pos, depth + 1)
      n = n + 1
      arr[n] = value
      pos = skip(text, pos)
      c = byte(text, pos)
      if c == 93 then return arr, pos + 1 end
      if c ~= 44 then fail(text, pos, "expected ',' or ']'") end
      pos = pos + 1
    end
  elseif c == 34 then
    return decode_string(text, pos)
  elseif c == 116 and sub(text, pos, pos + 3) == "true" then
    return true, pos + 4
  elseif c == 102 and sub(text, pos, pos + 4) == "false" then
    return false, pos + 5
  elseif c == 110 and sub(text, pos, pos + 3) == "null" then
    return json.null, pos + 4
  else
    local _, stop = find(text, "^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
    if not stop then fail(text, pos, "unexpected character") end
    local literal = sub(text, pos, stop)
    local number = (find(literal, "[.eE]") and tonumber(literal)) or math.tointeger(tonumber(literal))
                   or tonumber(literal)
    if not number then fail(text, pos, "bad number") end
    return number, stop + 1
  end
end

function json.decode(text)
  if type(text) ~= "string" then error("json.decode: expected a string, got " .. type(text), 2) end
  local value, pos = decode_value(text, 1, 0)
  pos = skip(text, pos)
  if pos <= #text then fail(text, pos, "trailing characters") end
  return value
end

return json

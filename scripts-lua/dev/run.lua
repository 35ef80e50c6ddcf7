-- Runs one contract function of a connector script under plain lua5.4 with the dev host (host.lua), and prints
-- its result as JSON (exit 0) or its error as {"error": {...}} (exit 1). Logs go to stderr.
--
--   lua5.4 scripts-lua/dev/run.lua SCRIPT FUNCTION [--config JSON] [--credentials JSON] [--request JSON]
--   lua5.4 scripts-lua/dev/run.lua SCRIPT read --config ... --request '{"table":"notes","page_size":50}' --all-pages
--
-- FUNCTION is spec, check, list_tables, read or write. --all-pages follows next_cursor until it is null and
-- prints every record (and refuses a cursor returned twice, the classic endless-read bug).
local here = debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "."
package.path = here .. "/?.lua;" .. package.path
local host = require("host")
local json = host.json

local script, fn = arg[1], arg[2]
if not script or not fn then
  io.stderr:write("usage: run.lua SCRIPT FUNCTION [--config JSON] [--credentials JSON] [--request JSON] [--all-pages]\n")
  os.exit(2)
end
local options = { config = "{}", credentials = "{}", request = "{}" }
local all_pages = false
local i = 3
while arg[i] do
  local name = arg[i]:match("^%-%-(.*)$")
  if name == "all-pages" then
    all_pages = true
    i = i + 1
  elseif name and options[name] then
    options[name] = arg[i + 1]
    i = i + 2
  else
    io.stderr:write("run.lua: unknown argument " .. arg[i] .. "\n")
    os.exit(2)
  end
end

local ok, env = pcall(host.load, script, {
  log = function(level, text, line) io.stderr:write(string.format("[%s line %s] %s\n", level, line, text)) end,
})
if not ok then
  print(json.encode({ error = type(env) == "table" and env or { code = "script_error", message = tostring(env) } }))
  os.exit(1)
end
local config, credentials = json.decode(options.config), json.decode(options.credentials)
local request = json.decode(options.request)

local function finish(success, result)
  if success then
    print(json.encode(result))
    os.exit(0)
  end
  print(json.encode({ error = result }))
  os.exit(1)
end

if fn == "spec" then finish(host.call(env, "spec")) end
if fn ~= "read" or not all_pages then finish(host.call(env, fn, config, credentials, request)) end

local records, seen, pages = json.array({}), {}, 0
request.cursor = request.cursor or nil
repeat
  local success, page = host.call(env, "read", config, credentials, request)
  if not success then finish(false, page) end
  pages = pages + 1
  for _, record in ipairs(page.records or {}) do records[#records + 1] = record end
  local next_cursor = page.next_cursor
  if next_cursor == json.null then next_cursor = nil end
  if next_cursor ~= nil then
    if seen[next_cursor] then finish(false, { code = "repeated_cursor", message = "cursor returned twice: " .. next_cursor }) end
    seen[next_cursor] = true
  end
  request.cursor = next_cursor
until next_cursor == nil
finish(true, { pages = pages, count = #records, records = records })

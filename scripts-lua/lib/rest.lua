-- rest: JSON requests to a REST API, with the service's HTTP errors turned into the connector contract's errors.
--
--   local rest = require("rest")
--   local api = rest.client{ base_url = config.base_url, headers = auth.bearer(credentials.token) }
--   local body, response = api:get("/notes", { limit = 50 })          -- decoded JSON, raw response
--   local note = api:post("/notes", { title = "Hi" })                  -- body table -> JSON
--   api:patch("/notes/" .. url.encode(id), { title = "New" })
--   api:delete("/notes/" .. url.encode(id))
--
-- Any non-2xx answer raises error{code=, message=, retryable=, status=} (see rest.STATUS_CODES), with the
-- service's own message when its error body has one. Catch it per write op with rest.try.
-- Uses only the sandbox globals: http, json, url.
local rest = {}

-- HTTP status -> {contract code, retryable}. A client's `codes` option overrides entries.
rest.STATUS_CODES = {
  [400] = { "invalid_request", false },
  [401] = { "auth_failed", false },
  [403] = { "auth_failed", false },
  [404] = { "not_found", false },
  [408] = { "timeout", true },
  [409] = { "constraint_violation", false },
  [410] = { "not_found", false },
  [413] = { "invalid_value", false },
  [422] = { "invalid_value", false },
  [429] = { "rate_limited", true },
}

-- The host's transport errors (http.request raised, no response) -> contract codes.
local TRANSPORT_CODES = {
  timeout = { "timeout", true },
  connect_failed = { "connection_failed", true },
  dns_failed = { "connection_failed", true },
  tls_failed = { "connection_failed", true },
  transfer_failed = { "connection_failed", true },
  rate_limited = { "rate_limited", true },
  cancelled = { "cancelled", true },
  too_large = { "too_large", false },
}

local function present(v) return v ~= nil and v ~= json.null end

-- "a=1&b=x%20y" from a table: keys sorted, nil/json.null skipped, booleans as true/false, a list value repeats
-- its key (ids=1&ids=2). Returns "" for an empty table.
function rest.query_string(params)
  if not params then return "" end
  local keys = {}
  for k, v in pairs(params) do
    if present(v) then keys[#keys + 1] = tostring(k) end
  end
  table.sort(keys)
  local parts = {}
  for _, k in ipairs(keys) do
    local v = params[k]
    if type(v) == "table" then
      for _, item in ipairs(v) do parts[#parts + 1] = url.encode(k) .. "=" .. url.encode(tostring(item)) end
    else
      parts[#parts + 1] = url.encode(k) .. "=" .. url.encode(tostring(v))
    end
  end
  return table.concat(parts, "&")
end

-- base "https://x/api/" + path "/notes" + query -> "https://x/api/notes?..." (exactly one slash between).
-- A path that is already a full URL (a "next" link from the API) is used as it is.
function rest.url(base, path, query)
  local full
  if path and path:match("^https?://") then
    full = path
  else
    full = (base or ""):gsub("/+$", "")
    if path and path ~= "" then full = full .. "/" .. path:gsub("^/+", "") end
  end
  local qs = rest.query_string(query)
  if qs ~= "" then full = full .. (full:find("?", 1, true) and "&" or "?") .. qs end
  return full
end

-- The service's message from an error body, trying the common shapes: {error: {message}}, {error: "text"},
-- {message}, {error_description}, {errors: [{message}]}, {detail}, {title}. nil when none fits.
function rest.service_message(body)
  if type(body) ~= "table" then return nil end
  local e = body.error
  if type(e) == "table" and type(e.message) == "string" then return e.message end
  if type(e) == "string" then
    if type(body.error_description) == "string" then return e .. ": " .. body.error_description end
    if type(body.message) == "string" then return body.message end
    return e
  end
  for _, key in ipairs({ "message", "error_description", "detail", "title" }) do
    if type(body[key]) == "string" then return body[key] end
  end
  if type(body.errors) == "table" and type(body.errors[1]) == "table" and type(body.errors[1].message) == "string" then
    return body.errors[1].message
  end
  return nil
end

-- Decodes a response body: JSON when it looks like JSON, nil when empty, the text otherwise.
function rest.decode(response)
  local body = response.body
  if body == nil or body == "" or response.status == 204 then return nil end
  local ctype = (response.headers and response.headers["content-type"]) or ""
  if ctype:find("json", 1, true) or body:match("^%s*[%[{]") then
    local ok, value = pcall(json.decode, body)
    if ok then return value end
    if response.status >= 200 and response.status < 300 then
      error({ code = "invalid_response", message = "the API sent invalid JSON: " .. tostring(value),
              retryable = false }, 0)
    end
  end
  return body
end

-- Builds the contract error for a non-2xx response. `what` names the request (e.g. "GET /notes").
function rest.error_for(response, what, codes, message_of, code_of)
  local status = response.status
  local ok, decoded = pcall(rest.decode, response)
  local mapped = (codes and codes[status]) or rest.STATUS_CODES[status]
  local own = ok and code_of and code_of(decoded, response) or nil
  if own then mapped = { own, mapped and mapped[2] or status >= 500 } end
  if not mapped then
    if status >= 500 then
      mapped = { "connection_failed", true }
    else
      mapped = { "invalid_request", false }
    end
  end
  local detail = ok and (message_of or rest.service_message)(decoded, response) or nil
  if not detail and type(response.body) == "string" and response.body ~= "" and not response.body:match("^%s*<") then
    detail = response.body:sub(1, 200)
  end
  local message = what .. " answered " .. status .. (detail and (": " .. detail) or "")
  if status == 429 and response.headers and response.headers["retry-after"] then
    message = message .. " (retry after " .. response.headers["retry-after"] .. " s)"
  end
  return { code = mapped[1], message = message, retryable = mapped[2], status = status }
end

-- Turns anything caught by pcall into a contract error table {code=, message=, retryable=}.
function rest.as_error(e)
  if type(e) == "table" and type(e.code) == "string" then
    return { code = e.code, message = tostring(e.message or e.code), retryable = e.retryable == true }
  end
  return { code = "script_error", message = tostring(e), retryable = false }
end

-- ok, value = rest.try(fn, ...): like pcall, but a failure comes back as a contract error table. Use it around
-- each write op so one failing op becomes that op's result instead of failing the batch.
function rest.try(fn, ...)
  local results = table.pack(pcall(fn, ...))
  if results[1] then return true, table.unpack(results, 2, results.n) end
  return false, rest.as_error(results[2])
end

local Client = {}
Client.__index = Client

-- rest.client{
--   base_url = "https://api.example.com/v1",  -- required
--   headers = { ... },          -- sent with every request (auth.bearer(...), auth.header(...), ...)
--   query = { ... },            -- added to every request's query (auth.query(...))
--   timeout = 30,               -- seconds per attempt (optional; the host has a default)
--   codes = { [400] = {"invalid_value", false} },  -- status -> {code, retryable} overrides
--   error_message = function(decoded_body, response) return "text" end,  -- the service's message
--   error_code = function(decoded_body, response) return "invalid_cursor" end, -- a code from the body, or nil
-- }
function rest.client(options)
  if type(options) ~= "table" or type(options.base_url) ~= "string" or options.base_url == "" then
    error({ code = "invalid_request", message = "rest.client: base_url is required (check the account's config)",
            retryable = false }, 2)
  end
  if not options.base_url:match("^https?://") then
    error({ code = "invalid_request", message = "the API address must start with http:// or https://, got '" ..
            options.base_url .. "'", retryable = false }, 2)
  end
  return setmetatable({ options = options }, Client)
end

-- client:request{method=, path=, query=, body= (a table, sent as JSON; or a string, sent as is),
--                headers=, expect = {200, 201} (default any 2xx)} -> decoded body, response
function Client:request(req)
  local o = self.options
  local method = (req.method or "GET"):upper()
  local query = {}
  for k, v in pairs(o.query or {}) do query[k] = v end
  for k, v in pairs(req.query or {}) do query[k] = v end
  local headers = { accept = "application/json" }
  for k, v in pairs(o.headers or {}) do headers[k:lower()] = v end
  for k, v in pairs(req.headers or {}) do headers[k:lower()] = v end
  local body = req.body
  if type(body) == "table" then
    body = json.encode(body)
    headers["content-type"] = headers["content-type"] or "application/json"
  end
  local target = rest.url(o.base_url, req.path, query)
  local what = method .. " " .. ((req.path or ""):gsub("%?.*$", ""))  -- never the query: it may hold a key
  local ok, response = pcall(http.request, { method = method, url = target, headers = headers, body = body,
                                             timeout = req.timeout or o.timeout })
  if not ok then
    -- The host raises {code=, message=} (or the text "http.request failed (<code>): <message>").
    local e = response
    local code, text
    if type(e) == "table" then
      code, text = e.code, tostring(e.message or e.code)
    else
      text = tostring(e)
      code = text:match("http%.request failed %((%w[%w_]*)%)")
    end
    code = code or "connect_failed"
    local mapped = TRANSPORT_CODES[code] or { code, false }
    error({ code = mapped[1], message = what .. " failed: " .. text, retryable = mapped[2] }, 0)
  end
  local expected = false
  if req.expect then
    for _, s in ipairs(req.expect) do expected = expected or s == response.status end
  else
    expected = response.status >= 200 and response.status < 300
  end
  if not expected then error(rest.error_for(response, what, o.codes, o.error_message, o.error_code), 0) end
  return rest.decode(response), response
end

function Client:get(path, query) return self:request({ method = "GET", path = path, query = query }) end
function Client:post(path, body, query) return self:request({ method = "POST", path = path, body = body, query = query }) end
function Client:put(path, body, query) return self:request({ method = "PUT", path = path, body = body, query = query }) end
function Client:patch(path, body, query) return self:request({ method = "PATCH", path = path, body = body, query = query }) end
function Client:delete(path, query) return self:request({ method = "DELETE", path = path, query = query }) end

-- A record id as the contract wants it: a string, with integral numbers written without ".0".
function rest.id(value)
  if type(value) == "number" then
    local int = math.tointeger(value)
    if int then return string.format("%d", int) end
  end
  if value == nil or value == json.null then return nil end
  return tostring(value)
end

-- nil for json.null, the value otherwise (so `rest.value(x) or default` works with decoded JSON).
function rest.value(v)
  if v == json.null then return nil end
  return v
end

return rest

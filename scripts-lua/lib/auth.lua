-- auth: the header and query parameters the usual API auth schemes need, ready for rest.client{headers=, query=}.
--
--   local auth = require("auth")
--   auth.bearer(credentials.api_token)                 -> { authorization = "Bearer <token>" }
--   auth.basic(credentials.user, credentials.password) -> { authorization = "Basic <base64(user:password)>" }
--   auth.header("X-Api-Key", credentials.api_key)      -> { ["x-api-key"] = "<key>" }
--   auth.query("api_key", credentials.api_key)         -> { api_key = "<key>" }   (for rest.client{query=})
--   auth.merge(a, b, ...)                              -> one table with the keys of all
--   auth.need(credentials, "api_token", "API token")   -> the value, or error auth_failed naming what is missing
--
-- Each helper refuses an empty secret with error{code="auth_failed"}, so a missing credential is reported as
-- such instead of as a confusing 401. Uses only the sandbox globals: base64.
local auth = {}

local function require_secret(value, what)
  if type(value) ~= "string" or value == "" then
    error({ code = "auth_failed", message = what .. " is missing: set it in the account's credentials",
            retryable = false }, 3)
  end
  return value
end

function auth.need(credentials, key, title)
  local value = type(credentials) == "table" and credentials[key] or nil
  if value == json.null then value = nil end
  if type(value) ~= "string" or value == "" then
    error({ code = "auth_failed", message = (title or key) .. " is missing: set '" .. key ..
            "' in the account's credentials", retryable = false }, 2)
  end
  return value
end

function auth.bearer(token)
  return { authorization = "Bearer " .. require_secret(token, "the access token") }
end

function auth.basic(user, password)
  if type(user) ~= "string" or user == "" then
    error({ code = "auth_failed", message = "the user name is missing: set it in the account's credentials",
            retryable = false }, 2)
  end
  return { authorization = "Basic " .. base64.encode(user .. ":" .. (password or "")) }
end

function auth.header(name, value)
  return { [name:lower()] = require_secret(value, "the " .. name .. " value") }
end

function auth.query(name, value)
  return { [name] = require_secret(value, "the " .. name .. " value") }
end

function auth.merge(...)
  local out = {}
  for i = 1, select("#", ...) do
    for k, v in pairs(select(i, ...) or {}) do out[k] = v end
  end
  return out
end

return auth

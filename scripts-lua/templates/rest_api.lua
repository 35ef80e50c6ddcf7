-- TEMPLATE: a custom connector for a JSON REST API. Copy it, then replace every "TODO" with what the service's
-- API documentation says. Read scripts-lua/README.md first (the contract, value encodings, common mistakes);
-- scripts-lua/examples/notes.lua and catalog.lua are complete connectors built from this template.
--
-- Rules that matter most:
--   * Five global functions: spec, check, list_tables, read, write (write only if you declare create/update/delete).
--   * Record ids are STRINGS (rest.id(42) -> "42"). Missing values are json.null (or leave the key out).
--   * Lists (records, results, multi_select / link values) must be JSON arrays: build them with json.array({}).
--   * read() fetches ONE page and returns next_cursor = a NEW string you made, or json.null on the last page.
--   * Fail with error({ code = "...", message = "...", retryable = false }); the helpers do this for HTTP errors.
--   * Only the sandbox globals exist: json, http, log, base64, url, time, require("rest"|"auth"|"paginate").
--     No io, os, debug, package, load. Nothing survives between calls: no caching in globals.
local rest = require("rest")
local auth = require("auth")
local paginate = require("paginate")

-- 1. spec: what the connector is and what a user must enter. --------------------------------------------------
function spec()
  return {
    display_name = "TODO Service name",
    description = "TODO One sentence: what the tables are.",
    -- Only what write() really implements. A read-only connector: { "read" } and no write().
    capabilities = { "read", "create", "update", "delete" },
    -- max_page_size: the API's largest page; max_write_batch: ops per write() call (1 if you send one request
    -- per op and want the server to pace them); requests_per_second: the API's documented rate limit.
    limits = { max_page_size = 100, max_write_batch = 10, requests_per_second = 5 },
    config_schema = {
      type = "object",
      properties = {
        base_url = { type = "string", title = "API address", default = "https://api.example.com/v1" },
      },
      required = { "base_url" },
    },
    -- Every secret goes here (encrypted at rest), never in config_schema.
    credentials_schema = {
      type = "object",
      properties = { api_token = { type = "string", title = "API token", minLength = 1 } },
      required = { "api_token" },
    },
  }
end

-- A fresh client per call (config and credentials arrive with every call).
local function client(config, credentials)
  return rest.client({
    base_url = config.base_url,
    -- TODO pick the API's scheme:
    --   auth.bearer(token)                 Authorization: Bearer <token>
    --   auth.basic(user, password)         Authorization: Basic <base64>
    --   auth.header("X-Api-Key", key)      a custom header
    --   query = auth.query("api_key", key) a query parameter (then drop `headers`)
    headers = auth.bearer(auth.need(credentials, "api_token", "The API token")),
  })
end

-- 2. check: one cheap request that proves the address AND the credentials work. ------------------------------
function check(config, credentials)
  local me = client(config, credentials):get("/me")   -- TODO a "who am I" or tiny list endpoint
  return { ok = true, message = "signed in as " .. tostring(me.name) }
end

-- 3. list_tables: the tables and their fields, with canonical types. ------------------------------------------
-- Types: text, long_text, number, boolean, date (YYYY-MM-DD), datetime (ISO 8601, Z), single_select,
-- multi_select (options = {...}), url, email, attachment, link, json. Mark computed/system fields read_only.
local ITEM_FIELDS = {
  { id = "id", name = "ID", type = "text", read_only = true },
  { id = "name", name = "Name", type = "text", read_only = false },         -- TODO the real fields
  { id = "status", name = "Status", type = "single_select", read_only = false, options = { "open", "done" } },
  { id = "updated_at", name = "Updated", type = "datetime", read_only = true },
}
local WRITABLE = {}
for _, f in ipairs(ITEM_FIELDS) do WRITABLE[f.id] = not f.read_only end

function list_tables(config, credentials)
  return { tables = {
    { id = "items", name = "Items", primary_key = { "id" }, read_only = false, fields = ITEM_FIELDS },
  } }
end

-- API object -> contract record. Convert every value to its field type's encoding.
local function to_record(item)
  local id = rest.id(item.id)   -- ALWAYS a string
  return {
    id = id,
    fields = { id = id, name = item.name, status = item.status, updated_at = item.updated_at },
    updated_at = item.updated_at,   -- the record's last change, or json.null
  }
end

-- 4. read: ONE page of a table. request = { table =, cursor = (nil on the first page), page_size = } ---------
function read(config, credentials, request)
  if request.table ~= "items" then
    error({ code = "not_found", message = "no table '" .. tostring(request.table) .. "'", retryable = false })
  end
  local api = client(config, credentials)
  -- TODO pick the helper that matches the API's paging:
  --   paginate.cursor       ?cursor=<token>&limit=N   (fetch returns items, { next = body.next_cursor })
  --   paginate.page_number  ?page=P&per_page=N        (fetch returns items, { total_pages = ... })
  --   paginate.offset       ?offset=O&limit=N         (fetch returns items, { total = ... })
  return paginate.cursor({
    request = request, cursor_param = "cursor", limit_param = "limit", max_page_size = 100,
    fetch = function(query)
      local body = api:get("/items", query)
      return body.data, { next = body.next_cursor }
    end,
    map = to_record,
  })
end

-- 5. write: apply ops; ONE result per op, in order, each with the op's ref. ------------------------------------
-- request = { table =, ops = { { op = "create"|"update"|"delete", ref =, id =, fields = } } }
local function to_api(fields)
  local body = {}
  for key, value in pairs(fields or {}) do
    if WRITABLE[key] == nil then
      error({ code = "unknown_field", message = "no field '" .. key .. "'", retryable = false })
    elseif not WRITABLE[key] then
      error({ code = "read_only", message = "'" .. key .. "' is read-only", retryable = false })
    end
    body[key] = value   -- TODO convert from the contract's encoding to the API's where they differ
  end
  return body
end

local function apply(api, op)
  if op.op == "create" then
    local item = api:post("/items", to_api(op.fields))
    return { ref = op.ref, ok = true, id = rest.id(item.id), fields = to_record(item).fields }
  elseif op.op == "update" then
    local item = api:patch("/items/" .. url.encode(op.id), to_api(op.fields))
    return { ref = op.ref, ok = true, id = op.id, fields = to_record(item).fields }
  elseif op.op == "delete" then
    api:delete("/items/" .. url.encode(op.id))
    return { ref = op.ref, ok = true, id = op.id }
  end
  error({ code = "invalid_request", message = "unknown op '" .. tostring(op.op) .. "'", retryable = false })
end

function write(config, credentials, request)
  local api = client(config, credentials)
  local results = json.array({})
  for _, op in ipairs(request.ops) do
    local ok, result = rest.try(apply, api, op)   -- one failing op must not fail the others
    if not ok then
      if op.op == "create" and (result.code == "connection_failed" or result.code == "timeout") then
        result.code, result.retryable = "outcome_unknown", false   -- the create may have happened
      end
      result = { ref = op.ref, ok = false, error = result }
    end
    results[#results + 1] = result
  end
  return { results = results }
end

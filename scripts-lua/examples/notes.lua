-- Jotter notes: a complete custom connector for a JSON REST API with keyset-cursor paging, a bearer token and
-- full create / update / delete. Runs against tests/emulators/notes (see scripts-lua/dev/README.md).
--
-- The API:  GET /v1/me                                  who am I (used by check)
--           GET /v1/folders                             all folders (a handful; no paging)
--           GET /v1/notes?limit=1..100&cursor=C         {data: [note], has_more, next_cursor}; X-Total-Count
--           POST /v1/notes, PATCH /v1/notes/{id}        a note's fields -> the stored note (201 / 200)
--           DELETE /v1/notes/{id}                       204; 404 when it is already gone
--           errors: {"error": {"type", "message", "request_id"}}; 401 bad token, 403 read-only token,
--                   422 a refused value (names the field), 429 with Retry-After
local rest = require("rest")
local auth = require("auth")
local paginate = require("paginate")

local TAGS = { "work", "home", "idea", "urgent", "later" }

function spec()
  return {
    display_name = "Jotter notes",
    description = "Notes and folders from a Jotter workspace.",
    capabilities = { "read", "create", "update", "delete" },
    limits = { max_page_size = 100, max_write_batch = 10, requests_per_second = 5 },
    config_schema = {
      type = "object",
      properties = {
        base_url = { type = "string", title = "API address", default = "https://api.jotter.example",
                     description = "Where the Jotter API lives, without /v1" },
      },
      required = { "base_url" },
    },
    credentials_schema = {
      type = "object",
      properties = { api_token = { type = "string", title = "API token", minLength = 1 } },
      required = { "api_token" },
    },
  }
end

-- One client per call: nothing is kept between calls (each call may run in a fresh sandbox).
local function client(config, credentials)
  return rest.client({
    base_url = rest.url(config.base_url, "/v1"),
    headers = auth.bearer(auth.need(credentials, "api_token", "The API token")),
    -- The API says which cursor it cannot continue from by its error type; the rest is by HTTP status.
    error_code = function(body)
      if type(body) == "table" and type(body.error) == "table" and body.error.type == "invalid_cursor" then
        return "invalid_cursor"
      end
    end,
  })
end

function check(config, credentials)
  local me = client(config, credentials):get("/me")
  return { ok = true, message = "signed in as " .. tostring(me.name) .. " <" .. tostring(me.email) .. ">" }
end

local NOTE_FIELDS = {
  { id = "id", name = "ID", type = "text", read_only = true },
  { id = "title", name = "Title", type = "text", read_only = false },
  { id = "body", name = "Body", type = "long_text", read_only = false },
  { id = "pinned", name = "Pinned", type = "boolean", read_only = false },
  { id = "tags", name = "Tags", type = "multi_select", read_only = false, options = TAGS },
  { id = "due_date", name = "Due", type = "date", read_only = false },
  { id = "folder", name = "Folder", type = "link", read_only = false },
  { id = "url", name = "Link", type = "url", read_only = true },
  { id = "created_at", name = "Created", type = "datetime", read_only = true },
  { id = "updated_at", name = "Updated", type = "datetime", read_only = true },
}
local WRITABLE = {}
for _, f in ipairs(NOTE_FIELDS) do WRITABLE[f.id] = not f.read_only end

function list_tables(config, credentials)
  return {
    tables = {
      { id = "notes", name = "Notes", primary_key = { "id" }, read_only = false, fields = NOTE_FIELDS },
      { id = "folders", name = "Folders", primary_key = { "id" }, read_only = true, fields = {
          { id = "id", name = "ID", type = "text", read_only = true },
          { id = "name", name = "Name", type = "text", read_only = true },
          { id = "created_at", name = "Created", type = "datetime", read_only = true },
      } },
    },
  }
end

-- API note -> the contract's record. Every value is in the contract's encoding: ids as strings, a missing
-- value as json.null, arrays as JSON arrays even when empty.
local function note_record(note)
  local folder = json.array({})
  if rest.value(note.folder_id) ~= nil then folder = json.array({ rest.id(note.folder_id) }) end
  local tags = json.array({})
  for _, t in ipairs(rest.value(note.tags) or {}) do tags[#tags + 1] = t end
  return {
    id = rest.id(note.id),
    fields = {
      id = rest.id(note.id),
      title = note.title,
      body = note.body,          -- json.null stays json.null: "no value"
      pinned = note.pinned == true,
      tags = tags,
      due_date = note.due_date,
      folder = folder,
      url = note.url,
      created_at = note.created_at,
      updated_at = note.updated_at,
    },
    updated_at = note.updated_at,
  }
end

function read(config, credentials, request)
  local api = client(config, credentials)
  if request.table == "folders" then
    local body = api:get("/folders")   -- a handful of folders: one page, no cursor
    local records = json.array({})
    for _, f in ipairs(body.data) do
      records[#records + 1] = { id = rest.id(f.id), fields = { id = rest.id(f.id), name = f.name,
                                                             created_at = f.created_at }, updated_at = json.null }
    end
    return { records = records, next_cursor = json.null }
  end
  if request.table ~= "notes" then
    error({ code = "not_found", message = "no table '" .. tostring(request.table) .. "'", retryable = false })
  end
  return paginate.cursor({
    request = request, cursor_param = "cursor", limit_param = "limit", max_page_size = 100,
    fetch = function(query)
      local body, response = api:get("/notes", query)
      return body.data, { next = body.next_cursor, has_more = body.has_more,
                          total = tonumber(response.headers["x-total-count"] or "") }
    end,
    map = note_record,
  })
end

-- The contract's fields -> the API's body. Raises a contract error (caught per op) for a field the table does
-- not have, a read-only field, or a value of the wrong shape.
local function note_body(fields)
  local body = {}
  for key, value in pairs(fields or {}) do
    if WRITABLE[key] == nil then
      error({ code = "unknown_field", message = "notes has no field '" .. key .. "'", retryable = false })
    elseif not WRITABLE[key] then
      error({ code = "read_only", message = "'" .. key .. "' is read-only", retryable = false })
    elseif key == "folder" then
      local ids = rest.value(value) or {}
      if #ids > 1 then
        error({ code = "invalid_value", message = "folder: a note is in at most one folder", retryable = false })
      end
      body.folder_id = ids[1] and math.tointeger(tonumber(ids[1])) or json.null
      if ids[1] and body.folder_id == nil then
        error({ code = "invalid_value", message = "folder: '" .. tostring(ids[1]) .. "' is not a folder id",
                retryable = false })
      end
    elseif key == "tags" then
      local tags = json.array({})   -- an empty list must reach the API as [], not {}
      for _, t in ipairs(rest.value(value) or {}) do tags[#tags + 1] = t end
      body.tags = tags
    else
      body[key] = value           -- json.null clears the value
    end
  end
  return body
end

local function apply(api, op)
  if op.op == "create" then
    local note = api:post("/notes", note_body(op.fields))
    return { ref = op.ref, ok = true, id = rest.id(note.id), fields = note_record(note).fields }
  elseif op.op == "update" then
    local note = api:patch("/notes/" .. url.encode(op.id), note_body(op.fields))
    return { ref = op.ref, ok = true, id = rest.id(note.id), fields = note_record(note).fields }
  elseif op.op == "delete" then
    local ok, e = rest.try(api.delete, api, "/notes/" .. url.encode(op.id))
    if not ok and e.code ~= "not_found" then error(e) end   -- already gone counts as deleted
    return { ref = op.ref, ok = true, id = op.id }
  end
  error({ code = "invalid_request", message = "unknown op '" .. tostring(op.op) .. "'", retryable = false })
end

function write(config, credentials, request)
  if request.table ~= "notes" then   -- nothing was attempted: one call-level error
    error({ code = "read_only", message = "the table '" .. tostring(request.table) .. "' cannot be written",
            retryable = false })
  end
  local api = client(config, credentials)
  local results = json.array({})
  for _, op in ipairs(request.ops) do
    local ok, result = rest.try(apply, api, op)
    if not ok then
      -- A create that failed without a clear answer (5xx, connection lost) may still have happened.
      if op.op == "create" and (result.code == "connection_failed" or result.code == "timeout") then
        result = { code = "outcome_unknown", message = result.message, retryable = false }
      end
      result = { ref = op.ref, ok = false, error = result }
    end
    results[#results + 1] = result
  end
  return { results = results }
end

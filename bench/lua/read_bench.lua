-- The connector read() the Lua benchmark runs (bench/lua-read.sh): request.page holds a pre-fetched API page of N
-- notes as JSON text; read() decodes it and maps every item to a contract record, as a real connector would
-- after its http.request. `json` is the sandbox's global, or the pure-Lua scripts-lua/dev/json.lua that
-- lua_read_bench prepends as a local (the same code in the sandbox and in the plain state).
local function value(v)
  if v == json.null then return nil end
  return v
end

function read(config, credentials, request)
  local body = json.decode(request.page)
  local records = {}
  for i, note in ipairs(body.data) do
    local id = string.format("%d", note.id)
    local folder = value(note.folder_id)
    local tags = {}
    for j, t in ipairs(note.tags) do tags[j] = t end
    records[i] = {
      id = id,
      fields = {
        id = id,
        title = note.title,
        body = value(note.body),
        pinned = note.pinned == true,
        score = note.score,
        views = note.views,
        tags = tags,
        due_date = value(note.due_date),
        folder = folder and { string.format("%d", folder) } or nil,
        created_at = note.created_at,
        updated_at = note.updated_at,
      },
      updated_at = note.updated_at,
    }
  end
  local next_cursor = value(body.next_cursor)
  return { records = records, next_cursor = next_cursor }
end

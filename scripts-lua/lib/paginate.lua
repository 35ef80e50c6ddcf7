-- paginate: turns the three usual paging styles of an API into one read() answer {records, next_cursor, total}.
--
--   local paginate = require("paginate")
--   function read(config, credentials, request)
--     local api = ...
--     return paginate.page_number{            -- or paginate.offset{...} / paginate.cursor{...}
--       request = request,                    -- read()'s request: uses request.cursor and request.page_size
--       page_param = "page", size_param = "per_page", max_page_size = 100,
--       fetch = function(query)               -- query: this page's paging params, plus `query` below
--         local body = api:get("/products", query)
--         return body.products, { total_pages = body.total_pages, total = body.total }
--       end,
--       map = function(item) return { id = rest.id(item.id), fields = {...}, updated_at = item.updated_at } end,
--     }
--   end
--
-- Each helper reads its position from request.cursor (nil on the first page), calls fetch ONCE (one page per
-- read() call: the server drives the loop), maps the items (map may return nil to skip one), and builds the
-- next cursor itself, so the cursor always carries everything needed to continue. Cursors look like "page:3",
-- "offset:200" or "cursor:<the API's cursor>"; a cursor of another style is refused with error invalid_cursor.
-- The records list is always a JSON array (json.array), also when empty.
--
-- What fetch may return as its second value (info), per style:
--   page_number: has_more (boolean), total_pages, total (records in the whole table)
--   offset:      has_more, total
--   cursor:      next (the API's next cursor; nil/json.null/"" = last page), has_more, total
-- Without has_more/total_pages/total, a full page means "there may be more" (the next read can come back empty,
-- which is fine), a short page means the end.
-- Uses only the sandbox globals: json.
local paginate = {}

local function present(v) return v ~= nil and v ~= json.null end

-- The page size to ask the API for: request.page_size, capped at `max` (and at least 1).
function paginate.page_size(request, max, default)
  local size = math.tointeger(request and request.page_size) or default or max or 100
  if max and size > max then size = max end
  if size < 1 then size = 1 end
  return size
end

-- "kind:value" cursors -------------------------------------------------------------------------------------------
function paginate.encode(kind, value) return kind .. ":" .. tostring(value) end

-- The value of a cursor of `kind`, nil for no cursor (the first page); error invalid_cursor for a foreign one.
function paginate.decode(cursor, kind)
  if not present(cursor) or cursor == "" then return nil end
  local found, value = tostring(cursor):match("^(%a+):(.*)$")
  if found ~= kind then
    error({ code = "invalid_cursor", message = "cannot continue from cursor '" .. tostring(cursor) ..
            "' (expected a " .. kind .. " cursor)", retryable = false }, 0)
  end
  return value
end

local function decode_number(cursor, kind, minimum)
  local value = paginate.decode(cursor, kind)
  if value == nil then return nil end
  local n = math.tointeger(tonumber(value))
  if not n or n < minimum then
    error({ code = "invalid_cursor", message = "cannot continue from cursor '" .. tostring(cursor) .. "'",
            retryable = false }, 0)
  end
  return n
end

local function map_items(items, map)
  local records = json.array({})
  if not present(items) then return records end
  for _, item in ipairs(items) do
    local record = map(item)
    if record ~= nil then records[#records + 1] = record end
  end
  return records
end

local function with_extra(params, extra)
  local q = {}
  for k, v in pairs(extra or {}) do q[k] = v end
  for k, v in pairs(params) do q[k] = v end
  return q
end

local function check_options(o, name)
  if type(o) ~= "table" or type(o.request) ~= "table" or type(o.fetch) ~= "function" or type(o.map) ~= "function" then
    error("paginate." .. name .. " needs {request=, fetch=function(query), map=function(item)}", 3)
  end
end

local function answer(records, next_cursor, info)
  local response = { records = records, next_cursor = next_cursor or json.null }
  if info and math.tointeger(info.total) then response.total = math.tointeger(info.total) end
  return response
end

-- paginate.page_number{request=, fetch=, map=, page_param="page", size_param="per_page", first_page=1,
--                      max_page_size=, query={...extra params}}
function paginate.page_number(o)
  check_options(o, "page_number")
  local first = o.first_page or 1
  local page = decode_number(o.request.cursor, "page", first) or first
  local size = paginate.page_size(o.request, o.max_page_size)
  local items, info = o.fetch(with_extra({ [o.page_param or "page"] = page, [o.size_param or "per_page"] = size },
                                         o.query), { page = page, page_size = size })
  info = info or {}
  local records = map_items(items, o.map)
  local count = present(items) and #items or 0
  local more
  if info.has_more ~= nil then
    more = info.has_more == true
  elseif present(info.total_pages) then
    more = page - first + 1 < info.total_pages
  elseif present(info.total) then
    more = (page - first + 1) * size < info.total
  else
    more = count >= size
  end
  return answer(records, more and count > 0 and paginate.encode("page", page + 1) or nil, info)
end

-- paginate.offset{request=, fetch=, map=, offset_param="offset", limit_param="limit", max_page_size=, query=}
function paginate.offset(o)
  check_options(o, "offset")
  local offset = decode_number(o.request.cursor, "offset", 0) or 0
  local size = paginate.page_size(o.request, o.max_page_size)
  local items, info = o.fetch(with_extra({ [o.offset_param or "offset"] = offset, [o.limit_param or "limit"] = size },
                                         o.query), { offset = offset, page_size = size })
  info = info or {}
  local records = map_items(items, o.map)
  local count = present(items) and #items or 0
  local more
  if info.has_more ~= nil then
    more = info.has_more == true
  elseif present(info.total) then
    more = offset + count < info.total
  else
    more = count >= size
  end
  return answer(records, more and count > 0 and paginate.encode("offset", offset + count) or nil, info)
end

-- paginate.cursor{request=, fetch=, map=, cursor_param="cursor", limit_param="limit", max_page_size=, query=}
-- The API's own cursor (or "after" id, or page token) goes out as query[cursor_param] on every page but the
-- first; fetch returns it as info.next. An API that hands back the cursor it was given would loop forever:
-- that is refused with error invalid_response.
function paginate.cursor(o)
  check_options(o, "cursor")
  local current = paginate.decode(o.request.cursor, "cursor")
  local size = paginate.page_size(o.request, o.max_page_size)
  local params = { [o.limit_param or "limit"] = size }
  if current then params[o.cursor_param or "cursor"] = current end
  local items, info = o.fetch(with_extra(params, o.query), { cursor = current, page_size = size })
  info = info or {}
  local records = map_items(items, o.map)
  local nxt = info.next
  if not present(nxt) or nxt == "" or info.has_more == false then nxt = nil end
  if nxt ~= nil then
    nxt = tostring(nxt)
    if nxt == current then
      error({ code = "invalid_response", message = "the API returned the same cursor again ('" .. nxt ..
              "'): reading would never end", retryable = false }, 0)
    end
  end
  return answer(records, nxt and paginate.encode("cursor", nxt) or nil, info)
end

return paginate

-- End-to-end checks of the two examples (notes.lua, catalog.lua) against a running tests/emulators/notes, under
-- plain lua5.4 with the dev host. Usage (dev/test-examples.sh starts the emulator for you):
--   lua5.4 scripts-lua/dev/e2e.lua http://127.0.0.1:PORT
-- Prints one line per check and exits 1 on the first failure.
local here = debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "."
package.path = here .. "/?.lua;" .. package.path
local host = require("host")
local json = host.json
local base = assert(arg[1], "usage: e2e.lua BASE_URL")
local examples = here .. "/../examples/"

local passed = 0
local function check(name, condition, detail)
  if not condition then
    io.stderr:write("FAIL " .. name .. (detail and (": " .. detail) or "") .. "\n")
    os.exit(1)
  end
  passed = passed + 1
  print("ok   " .. name)
end

local probe = host.new()
local function control(method, path, body)
  local r = probe.http.request({ method = method, url = base .. "/_emulator/" .. path,
                                 body = body and json.encode(body) or nil })
  return json.decode(r.body)
end
local function seed(n) control("POST", "reset-log", {}); control("POST", "knobs", { storm_429 = 0, fail = json.array() })
  return control("POST", "seed", { count = n }) end

local config = { base_url = base }
local notes = host.load(examples .. "notes.lua")
local catalog = host.load(examples .. "catalog.lua")
local token = { api_token = "jot_test_token_0123456789" }
local key = { api_key = "cat_live_key_abcdef" }

local function call(env, fn, ...)
  local ok, result = host.call(env, fn, ...)
  return ok, result, json.encode(result)
end

-- Reads every page; returns records, pages (and fails on a repeated cursor).
local function read_all(env, credentials, tbl, page_size)
  local records, pages, seen, cursor = {}, 0, {}, nil
  repeat
    local ok, page, text = call(env, "read", config, credentials, { table = tbl, cursor = cursor, page_size = page_size })
    check("read " .. tbl .. " page " .. (pages + 1), ok, text)
    pages = pages + 1
    check("records is a JSON array", json.encode(page.records):sub(1, 1) == "[", text)
    for _, r in ipairs(page.records) do records[#records + 1] = r end
    cursor = page.next_cursor ~= json.null and page.next_cursor or nil
    if cursor then
      check("cursor is new", not seen[cursor], cursor)
      seen[cursor] = true
    end
  until not cursor or pages > 1000
  return records, pages
end

-- notes -------------------------------------------------------------------------------------------------------
seed(45)
local ok, spec = call(notes, "spec")
check("notes spec", ok and spec.display_name == "Jotter notes" and #spec.capabilities == 4)
ok = call(notes, "list_tables", config, token)
check("notes list_tables", ok)
local result, text
ok, result, text = call(notes, "check", config, token)
check("notes check", ok and result.ok == true, text)
ok, result, text = call(notes, "check", config, { api_token = "wrong" })
check("notes check with a bad token -> auth_failed", not ok and result.code == "auth_failed", text)
ok, result, text = call(notes, "check", config, {})
check("notes check without a token -> auth_failed", not ok and result.code == "auth_failed", text)

local records, pages = read_all(notes, token, "notes", 7)
check("notes: every note once in 7 pages", #records == 45 and pages == 7, #records .. " in " .. pages)
local ids = {}
for _, r in ipairs(records) do
  check("note id is a string", type(r.id) == "string" and r.fields.id == r.id)
  ids[r.id] = true
end
check("note ids unique", (function() local n = 0 for _ in pairs(ids) do n = n + 1 end return n end)() == 45)
check("a note without tags has tags = []", json.encode(records[3].fields.tags) == "[]")
check("a note without a body has body = null", records[7].fields.body == json.null)
ok, result, text = call(notes, "read", config, token, { table = "notes", page_size = 5000 })
check("page_size above the API cap is capped at 100", ok and #result.records == 45, text)
ok, result, text = call(notes, "read", config, token, { table = "notes", cursor = "page:2", page_size = 5 })
check("a foreign cursor -> invalid_cursor", not ok and result.code == "invalid_cursor", text)
ok, result, text = call(notes, "read", config, token, { table = "notes", cursor = "cursor:!!", page_size = 5 })
check("a cursor the API refuses -> invalid_cursor", not ok and result.code == "invalid_cursor", text)
records = read_all(notes, token, "folders", 100)
check("folders: 3", #records == 3)

ok, result, text = call(notes, "write", config, token, { table = "notes", ops = {
  { op = "create", ref = "c1", fields = { title = "Fresh", tags = json.array({}), folder = { "2" }, due_date = "2024-05-01" } },
  { op = "create", ref = "c2", fields = { title = "" } },
  { op = "update", ref = "u1", id = "3", fields = { body = json.null, pinned = true, tags = { "idea", "work" } } },
  { op = "update", ref = "u2", id = "3", fields = { url = "https://elsewhere" } },
  { op = "update", ref = "u3", id = "4", fields = { colour = "red" } },
  { op = "delete", ref = "d1", id = "5" },
  { op = "delete", ref = "d2", id = "5" },
  { op = "update", ref = "u4", id = "999", fields = { title = "x" } },
} })
check("notes write answers", ok and #result.results == 8, text)
local r = result.results
check("create -> new id and stored fields", r[1].ok and r[1].id == "46" and r[1].fields.folder[1] == "2"
      and json.encode(r[1].fields.tags) == "[]", json.encode(r[1]))
check("empty title -> invalid_value naming the field", not r[2].ok and r[2].error.code == "invalid_value"
      and r[2].error.message:find("title"), json.encode(r[2]))
check("update -> stored fields", r[3].ok and r[3].fields.pinned == true and r[3].fields.body == json.null)
check("read-only field -> read_only", not r[4].ok and r[4].error.code == "read_only")
check("unknown field -> unknown_field", not r[5].ok and r[5].error.code == "unknown_field")
check("delete ok, twice", r[6].ok and r[7].ok)
check("update of a missing note -> not_found", not r[8].ok and r[8].error.code == "not_found")
check("refs in order", r[1].ref == "c1" and r[8].ref == "u4")
local state = control("GET", "state")
local stored = {}
for _, n in ipairs(state.notes) do stored[n.id] = n end
check("state: created note stored", stored[46] and stored[46].title == "Fresh" and stored[46].folder_id == 2)
check("state: update applied", stored[3].pinned == true and stored[3].body == json.null and #stored[3].tags == 2)
check("state: deleted note gone, untouched note kept", stored[5] == nil and stored[4].title == "Note 0004")

ok, result, text = call(notes, "write", config, { api_token = "jot_readonly_token_0123456789" },
                        { table = "notes", ops = { { op = "update", ref = "x", id = "1", fields = { title = "t" } } } })
check("read-only token -> auth_failed per op", ok and result.results[1].error.code == "auth_failed", text)
ok, result, text = call(notes, "write", config, token, { table = "folders", ops = { { op = "delete", ref = "x", id = "1" } } })
check("write to the read-only table -> read_only", not ok and result.code == "read_only", text)

control("POST", "knobs", { fail = { { nth = 1, status = 502, method = "POST", path = "^/v1/notes$" } } })
ok, result, text = call(notes, "write", config, token, { table = "notes", ops = { { op = "create", ref = "x",
                        fields = { title = "Maybe" } } } })
check("5xx on a create -> outcome_unknown", ok and result.results[1].error.code == "outcome_unknown", text)
control("POST", "knobs", { storm_429 = 1 })
ok, result, text = call(notes, "read", config, token, { table = "notes", page_size = 10 })
check("429 -> rate_limited, retryable", not ok and result.code == "rate_limited" and result.retryable == true, text)

-- catalog -----------------------------------------------------------------------------------------------------
seed(123)
ok, result, text = call(catalog, "check", config, key)
check("catalog check", ok and result.message:find("123"), text)
ok, result, text = call(catalog, "check", config, { api_key = "nope" })
check("catalog bad key -> auth_failed", not ok and result.code == "auth_failed", text)
records, pages = read_all(catalog, key, "products", 10)
check("catalog: 123 products in 13 pages", #records == 123 and pages == 13, #records .. " in " .. pages)
check("a product's price is a number and id a string", type(records[1].fields.price) == "number"
      and records[1].id == "1")
ok, result = call(catalog, "read", config, key, { table = "products", page_size = 1000 })
check("catalog page_size capped at 100", ok and #result.records == 100 and result.next_cursor == "page:2")
ok, result = call(catalog, "read", config, key, { table = "products", cursor = "page:999", page_size = 10 })
check("catalog past the end: empty array, no cursor", ok and json.encode(result.records) == "[]"
      and result.next_cursor == json.null)

ok, result, text = call(catalog, "write", config, key, { table = "products", ops = {
  { op = "update", ref = "a", id = "1", fields = { price = "12.50", stock = 4.0 } },
  { op = "update", ref = "b", id = "2", fields = { category = "food" } },
  { op = "create", ref = "c", fields = { name = "x" } },
  { op = "update", ref = "d", id = "3", fields = { sku = "x" } },
  { op = "update", ref = "e", id = "777", fields = { name = "x" } },
  { op = "update", ref = "f", id = "4", fields = { active = false, description = json.null } },
} })
check("catalog write answers", ok and #result.results == 6, text)
r = result.results
check("bulk update applied", r[1].ok and r[1].fields.price == 12.5 and r[1].fields.stock == 4 and r[6].ok)
check("bad option -> invalid_value", r[2].error.code == "invalid_value")
check("create refused -> read_only", r[3].error.code == "read_only")
check("sku read-only -> read_only", r[4].error.code == "read_only")
check("missing product -> not_found", r[5].error.code == "not_found")
state = control("GET", "state")
check("state: product 4 inactive, product 2 unchanged", state.products[4].active == false
      and state.products[4].description == json.null and state.products[2].category == "music")
local stats = control("GET", "stats")
check("one bulk request for the batch", stats.by_method.POST == 1, json.encode(stats.by_method))

print(string.format("%d checks passed", passed))

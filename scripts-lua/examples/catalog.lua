-- Jotter catalog: a complete read + update custom connector for a JSON REST API with page-number paging, an API
-- key header and a bulk update endpoint. Runs against tests/emulators/notes (see scripts-lua/dev/README.md).
--
-- The API:  GET  /v1/catalog/products?page=1..&per_page=1..100
--                 -> {products: [product], page, per_page, total, total_pages}
--           POST /v1/catalog/products/bulk-update  {updates: [{id, changes: {...}}]} (at most 50)
--                 -> {results: [{index, id, ok, product | error: {type, message, field}}]} in request order
--           auth: X-Api-Key header; errors: {"error": {"type", "message", "request_id"}}; 429 with Retry-After
local rest = require("rest")
local auth = require("auth")
local paginate = require("paginate")

local CATEGORIES = { "books", "games", "music", "tools", "garden" }

function spec()
  return {
    display_name = "Jotter catalog",
    description = "Products of a Jotter shop catalog (read and update).",
    capabilities = { "read", "update" },
    limits = { max_page_size = 100, max_write_batch = 50, requests_per_second = 5 },
    config_schema = {
      type = "object",
      properties = {
        base_url = { type = "string", title = "API address", default = "https://api.jotter.example" },
      },
      required = { "base_url" },
    },
    credentials_schema = {
      type = "object",
      properties = { api_key = { type = "string", title = "API key", minLength = 1 } },
      required = { "api_key" },
    },
  }
end

local function client(config, credentials)
  return rest.client({
    base_url = rest.url(config.base_url, "/v1/catalog"),
    headers = auth.header("X-Api-Key", auth.need(credentials, "api_key", "The API key")),
  })
end

function check(config, credentials)
  local body = client(config, credentials):get("/products", { page = 1, per_page = 1 })
  return { ok = true, message = "the catalog holds " .. tostring(body.total) .. " products" }
end

local FIELDS = {
  { id = "id", name = "ID", type = "text", read_only = true },
  { id = "sku", name = "SKU", type = "text", read_only = true },
  { id = "name", name = "Name", type = "text", read_only = false },
  { id = "description", name = "Description", type = "long_text", read_only = false },
  { id = "price", name = "Price", type = "number", read_only = false },
  { id = "stock", name = "Stock", type = "number", read_only = false },
  { id = "active", name = "Active", type = "boolean", read_only = false },
  { id = "category", name = "Category", type = "single_select", read_only = false, options = CATEGORIES },
  { id = "updated_at", name = "Updated", type = "datetime", read_only = true },
}
local WRITABLE = {}
for _, f in ipairs(FIELDS) do WRITABLE[f.id] = not f.read_only end

function list_tables(config, credentials)
  return { tables = { { id = "products", name = "Products", primary_key = { "id" }, read_only = false,
                        fields = FIELDS } } }
end

local function product_fields(p)
  return { id = rest.id(p.id), sku = p.sku, name = p.name, description = p.description, price = p.price,
           stock = p.stock, active = p.active, category = p.category, updated_at = p.updated_at }
end

function read(config, credentials, request)
  if request.table ~= "products" then
    error({ code = "not_found", message = "no table '" .. tostring(request.table) .. "'", retryable = false })
  end
  local api = client(config, credentials)
  return paginate.page_number({
    request = request, page_param = "page", size_param = "per_page", max_page_size = 100,
    fetch = function(query)
      local body = api:get("/products", query)
      return body.products, { total_pages = body.total_pages, total = body.total }
    end,
    map = function(p) return { id = rest.id(p.id), fields = product_fields(p), updated_at = p.updated_at } end,
  })
end

-- The contract's changed fields -> the API's `changes`, or a contract error for this op.
local function changes_of(fields)
  local changes, n = {}, 0
  for key, value in pairs(fields or {}) do
    if WRITABLE[key] == nil then
      error({ code = "unknown_field", message = "products has no field '" .. key .. "'", retryable = false })
    elseif not WRITABLE[key] then
      error({ code = "read_only", message = "'" .. key .. "' is read-only", retryable = false })
    end
    if (key == "price" or key == "stock") and type(value) == "string" then
      value = tonumber(value) or value     -- numbers may arrive as decimal strings
    end
    if key == "stock" and type(value) == "number" then value = math.tointeger(value) or value end
    changes[key] = value
    n = n + 1
  end
  if n == 0 then
    error({ code = "invalid_request", message = "an update needs at least one field", retryable = false })
  end
  return changes
end

local API_CODES = { validation_error = "invalid_value", not_found = "not_found" }

function write(config, credentials, request)
  if request.table ~= "products" then
    error({ code = "not_found", message = "no table '" .. tostring(request.table) .. "'", retryable = false })
  end
  local results = {}     -- by op position
  local updates, positions = json.array({}), {}
  for i, op in ipairs(request.ops) do
    if op.op ~= "update" then
      results[i] = { ref = op.ref, ok = false, error = { code = "read_only", retryable = false,
                     message = "the catalog API cannot " .. tostring(op.op) .. " products" } }
    else
      local id = math.tointeger(tonumber(op.id))
      local ok, changes = rest.try(changes_of, op.fields)
      if not id then
        results[i] = { ref = op.ref, ok = false, error = { code = "not_found", retryable = false,
                       message = "'" .. tostring(op.id) .. "' is not a product id" } }
      elseif not ok then
        results[i] = { ref = op.ref, ok = false, error = changes }
      else
        updates[#updates + 1] = { id = id, changes = changes }
        positions[#updates] = i
      end
    end
  end
  if #updates > 0 then
    -- One request for the batch. If it fails as a whole nothing was applied: a call-level error is right.
    local body = client(config, credentials):post("/products/bulk-update", { updates = updates })
    for _, r in ipairs(body.results) do
      local i = positions[r.index + 1]
      local op = request.ops[i]
      if r.ok then
        results[i] = { ref = op.ref, ok = true, id = rest.id(r.id), fields = product_fields(r.product) }
      else
        local e = r.error or {}
        results[i] = { ref = op.ref, ok = false, error = { code = API_CODES[e.type] or "invalid_value",
                       message = tostring(e.message or e.type), retryable = false } }
      end
    end
  end
  local out = json.array({})
  for i = 1, #request.ops do
    out[i] = results[i] or { ref = request.ops[i].ref, ok = false, error = { code = "outcome_unknown",
                             message = "the API gave no result for this update", retryable = false } }
  end
  return { results = out }
end

// The script a new custom connector starts from: a complete read-only connector over a fixed list.
export const TEMPLATE = `-- A custom connector: one Lua 5.4 script (see the contract under "Contract").
function spec()
  return {
    display_name = "Colours",
    description = "A fixed list of colours, to start from.",
    capabilities = { "read" },
    limits = { max_page_size = 100, max_write_batch = 10, requests_per_second = 5 },
    config_schema = { type = "object", properties = {
      prefix = { type = "string", title = "Name prefix" } } },
    credentials_schema = { type = "object", properties = {} },
  }
end

local COLOURS = { "red", "green", "blue" }

function check(config, credentials)
  return { ok = true, message = "no sign-in needed" }
end

function list_tables(config, credentials)
  return { tables = { {
    id = "colours", name = "Colours", primary_key = { "id" }, read_only = true,
    fields = { { id = "name", name = "Name", type = "text", read_only = true } },
  } } }
end

function read(config, credentials, request)
  local records = {}
  for i, name in ipairs(COLOURS) do
    records[#records + 1] = { id = tostring(i), fields = { name = (config.prefix or "") .. name } }
  end
  return { records = records, next_cursor = nil }
end
`;

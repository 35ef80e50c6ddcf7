#include "custom_connectors/custom_connector_fixture.hpp"

#include <regex>

namespace scratch::test {

using net::test::ReceivedRequest;
using net::test::ScriptedReply;
using nlohmann::json;

const char* const kItemsScript = R"lua(
local function api(config, credentials, method, path, body)
  local res = http.request{ method = method, url = config.base_url .. path,
    headers = { authorization = "Bearer " .. (credentials.token or ""), ["content-type"] = "application/json" },
    body = body and json.encode(body) or nil }
  if res.status == 401 then
    error({ code = "auth_failed", message = "the token was refused", retryable = false })
  end
  if res.status >= 300 then error("HTTP " .. res.status .. " for " .. path) end
  if res.body == "" then return nil end
  return json.decode(res.body)
end

function spec()
  return { display_name = "Items API", description = "the test's items",
           capabilities = { "read", "create", "update", "delete" },
           limits = { max_page_size = 2, max_write_batch = 5, requests_per_second = 100 },
           config_schema = { type = "object", properties = { base_url = { type = "string" } },
                             required = { "base_url" } },
           credentials_schema = { type = "object", properties = { token = { type = "string" } } } }
end

function check(config, credentials)
  local me = api(config, credentials, "GET", "/me")
  log.info("signed in as " .. me.name)
  return { ok = true, message = "signed in as " .. me.name }
end

function list_tables(config, credentials)
  return { tables = { { id = "items", name = "Items", primary_key = { "id" }, read_only = false,
    fields = { { id = "id", name = "ID", type = "text", read_only = true },
               { id = "title", name = "Title", type = "text", read_only = false } } } } }
end

function read(config, credentials, request)
  local page = tonumber(request.cursor or "1")
  local body = api(config, credentials, "GET", "/items?page=" .. page)
  local records = {}
  for _, item in ipairs(body.items) do
    records[#records + 1] = { id = tostring(item.id), fields = { id = tostring(item.id), title = item.title } }
  end
  log.info("page " .. page .. ": " .. #records .. " records")
  local more = body.next ~= nil and body.next ~= json.null
  return { records = records, next_cursor = more and tostring(body.next) or nil }
end

function write(config, credentials, request)
  local results = {}
  for _, op in ipairs(request.ops) do
    if op.op == "create" then
      local item = api(config, credentials, "POST", "/items", { title = op.fields.title })
      results[#results + 1] = { ref = op.ref, ok = true, id = tostring(item.id),
                                fields = { id = tostring(item.id), title = item.title } }
    elseif op.op == "update" then
      local item = api(config, credentials, "PATCH", "/items/" .. op.id, { title = op.fields.title })
      results[#results + 1] = { ref = op.ref, ok = true, id = op.id, fields = { id = op.id, title = item.title } }
    else
      api(config, credentials, "DELETE", "/items/" .. op.id)
      results[#results + 1] = { ref = op.ref, ok = true, id = op.id }
    end
  end
  return { results = results }
end
)lua";

ItemsApi::ItemsApi(int count) {
  for (int i = 0; i < count; ++i)
    items_[next_id_++] = "Item " + std::to_string(i + 1);
  server_.set_handler([this](const ReceivedRequest& r) { return handle(r); });
}

json ItemsApi::items() const {
  std::lock_guard lock(mutex_);
  json out = json::object();
  for (const auto& [id, title] : items_)
    out[std::to_string(id)] = title;
  return out;
}

ScriptedReply ItemsApi::handle(const ReceivedRequest& r) {
  const auto reply = [](int status, const json& body) {
    ScriptedReply out;
    out.status = status;
    out.headers = {{"Content-Type", "application/json"}};
    out.body = body.is_null() ? "" : body.dump();
    return out;
  };
  if (r.header("authorization") != "Bearer secret-token") return reply(401, {{"error", "unauthorized"}});
  std::lock_guard lock(mutex_);
  static const std::regex page_re(R"(^/items\?page=(\d+)$)");
  static const std::regex item_re(R"(^/items/(\d+)$)");
  std::smatch m;
  if (r.method == "GET" && r.target == "/me") return reply(200, {{"name", "tester"}});
  if (r.method == "GET" && std::regex_match(r.target, m, page_re)) {
    const int page = std::stoi(m[1]);
    std::vector<std::pair<int, std::string>> all(items_.begin(), items_.end());
    json items = json::array();
    for (std::size_t i = (page - 1) * 2; i < all.size() && i < static_cast<std::size_t>(page) * 2; ++i)
      items.push_back({{"id", all[i].first}, {"title", all[i].second}});
    const bool more = static_cast<std::size_t>(page) * 2 < all.size();
    return reply(200, {{"items", items}, {"next", more ? json(page + 1) : json(nullptr)}});
  }
  if (r.method == "POST" && r.target == "/items") {
    const json body = json::parse(r.body, nullptr, false);
    const int id = next_id_++;
    items_[id] = body.value("title", "");
    return reply(201, {{"id", id}, {"title", items_[id]}});
  }
  if (std::regex_match(r.target, m, item_re)) {
    const int id = std::stoi(m[1]);
    if (!items_.count(id)) return reply(404, {{"error", "no such item"}});
    if (r.method == "PATCH") {
      const json body = json::parse(r.body, nullptr, false);
      items_[id] = body.value("title", items_[id]);
      return reply(200, {{"id", id}, {"title", items_[id]}});
    }
    if (r.method == "DELETE") {
      items_.erase(id);
      return reply(204, nullptr);
    }
  }
  return reply(404, {{"error", "no route"}});
}

namespace {
Env lua_env(Env extra) {
  Env env = {{"SCRATCH_LUA_ALLOWED_HOSTS", "127.0.0.1"},
             {"SCRATCH_LUA_TIMEOUT_MS", "3000"},
             {"SCRATCH_LUA_MEMORY_MB", "32"},
             {"SCRATCH_CONNECTOR_TIMEOUT_SECONDS", "20"},
             {"SCRATCH_CONNECTOR_RUNNERS", "2"}};
  for (auto& [k, v] : extra)
    env[k] = v;
  return env;
}
}  // namespace

CustomConnectorTest::CustomConnectorTest(Env extra) : SnapshotTest(lua_env(std::move(extra))) {}

json CustomConnectorTest::create_connector(const ApiUser& as, const std::string& name,
                                           const std::string& script) {
  return as.post_ok("/api/v1/custom-connectors", {{"name", name}, {"script", script}}, 201);
}

HttpResponse CustomConnectorTest::create_account(const ApiUser& as, const std::string& connector,
                                                 const ItemsApi& api) {
  return as.post("/api/v1/connector-accounts", {{"connector", connector},
                                                {"display_name", "items"},
                                                {"config", {{"base_url", api.base_url()}}},
                                                {"credentials", {{"token", "secret-token"}}}});
}

}  // namespace scratch::test

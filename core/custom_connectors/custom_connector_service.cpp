#include "custom_connectors/custom_connector_service.hpp"

#include <charconv>

#include "auth/user_store.hpp"
#include "connectors/lua_contract.hpp"
#include "connectors/lua_embedded.hpp"
#include "http/problem.hpp"
#include "http/validation.hpp"

namespace scratch::custom_connectors {
namespace {

using http::ApiError;
using nlohmann::json;

// A script is source text an LLM wrote: large enough for any connector, small enough to store per version.
constexpr std::size_t kMaxScriptBytes = 512u << 10;

http::ApiError not_found(const std::string& id) {
  return http::errors::not_found("custom connector " + id);
}

ApiError name_taken(const std::string& name) {
  return ApiError(409, "custom_connector_name_taken", "Name taken",
                  "you already have a custom connector named '" + name + "'");
}

}  // namespace

json version_json(const VersionRow& row, bool with_script) {
  json out = {{"connector_id", row.connector_id},
              {"version", row.version},
              {"connector", custom_type(row.connector_id, row.version)},
              {"valid", !row.spec.is_null()},
              {"spec", row.spec},
              {"validation", row.validation},
              {"created_at", row.created_at}};
  if (with_script) out["script"] = row.script;
  return out;
}

json lua_contract_document(const LuaSettings& settings) {
  return {
      {"prose", connectors::lua_contract_prose()},
      {"schemas", connectors::lua_result_schemas()},
      {"functions", connectors::lua_contract_functions()},
      {"globals", connectors::lua_globals()},
      {"modules",
       [] {
         json names = json::array();
         for (const auto& [name, source] : connectors::embedded_lua_modules())
           names.push_back(name);
         return names;
       }()},
      {"limits",
       {{"memory_bytes", settings.memory_bytes},
        {"instructions", settings.instructions},
        {"wall_ms", settings.wall.count()},
        {"http_calls", settings.http_calls},
        {"http_bytes", settings.http_bytes},
        {"log_bytes", settings.log_bytes}}},
      {"errors",
       {{"limit_exceeded", "a limit ended the call (diagnostic.limit says which); scripts cannot catch it"},
        {"script_error", "error(\"text\") or a runtime error; the message starts with the script line"},
        {"address_refused", "http.request to a loopback, private, link-local or metadata address"},
        {"invalid_result", "test only: a result that does not match the contract's schema"}}},
      {"connector_type", "custom:<connector id>@<version>, e.g. in POST /api/v1/connector-accounts"}};
}

CustomConnectorService::CustomConnectorService(CustomConnectorStore& store, ScriptedConnectors& connectors,
                                               LuaScripts& scripts)
    : store_(store), connectors_(connectors), scripts_(scripts) {}

ConnectorRow CustomConnectorService::owned(const std::string& user_id, const std::string& id) {
  if (!auth::is_uuid(id)) throw not_found(id);
  auto row = store_.get(user_id, id);
  if (!row) throw not_found(id);
  return *row;
}

json CustomConnectorService::connector_json(const ConnectorRow& row) {
  json out = {{"id", row.id},
              {"name", row.name},
              {"latest_version", row.latest_version},
              {"connector", custom_type(row.id, row.latest_version)},
              {"created_at", row.created_at},
              {"updated_at", row.updated_at}};
  return out;
}

json CustomConnectorService::create(const std::string& user_id, const json& body) {
  http::FieldReader fields(body);
  fields.allow_only({"name", "script"});
  const std::string name = fields.required_string("name", 1, 100);
  const std::string script = fields.required_string("script", 1, kMaxScriptBytes);
  fields.finish();
  // Saved even when invalid: the builder fixes it in the next version, and sees why in `validation`.
  const json validation = scripts_.validate(script, name);
  const auto row = store_.create(user_id, name, script, validation.value("spec", json()), validation);
  if (!row) throw name_taken(name);
  json out = connector_json(*row);
  out["version"] = version_json(*store_.version(row->id, 1), false);
  return out;
}

json CustomConnectorService::list(const std::string& user_id) {
  json items = json::array();
  for (const auto& row : store_.list(user_id)) {
    json item = connector_json(row);
    // The latest version's validity and spec (no script), so a client can offer it without another call.
    if (const auto latest = store_.version(row.id, row.latest_version))
      item["version"] = version_json(*latest, false);
    items.push_back(std::move(item));
  }
  return items;
}

json CustomConnectorService::get(const std::string& user_id, const std::string& id) {
  const auto row = owned(user_id, id);
  json out = connector_json(row);
  json versions = json::array();
  for (const auto& v : store_.versions(user_id, id))
    versions.push_back(version_json(v, false));
  out["versions"] = versions;
  return out;
}

json CustomConnectorService::update(const std::string& user_id, const std::string& id, const json& body) {
  owned(user_id, id);
  http::FieldReader fields(body);
  fields.allow_only({"name"});
  const auto name = fields.optional_string("name", 1, 100);
  fields.finish();
  if (name) {
    try {
      if (!store_.rename(user_id, id, *name)) throw not_found(id);
    } catch (const CustomConnectorStore::NameTaken&) {
      throw name_taken(*name);
    }
    connectors_.forget(id);  // cached versions carry the name (their log tag)
  }
  return connector_json(owned(user_id, id));
}

void CustomConnectorService::remove(const std::string& user_id, const std::string& id) {
  owned(user_id, id);
  const auto accounts = store_.accounts_using(user_id, id);
  if (!accounts.empty()) {
    throw ApiError(409, "custom_connector_in_use", "Custom connector in use",
                   std::to_string(accounts.size()) +
                       " connector account(s) use a version of this connector; delete them first")
        .with("account_ids", accounts);
  }
  if (!store_.remove(user_id, id)) throw not_found(id);
  connectors_.forget(id);
}

json CustomConnectorService::add_version(const std::string& user_id, const std::string& id,
                                         const json& body) {
  const auto row = owned(user_id, id);
  http::FieldReader fields(body);
  fields.allow_only({"script"});
  const std::string script = fields.required_string("script", 1, kMaxScriptBytes);
  fields.finish();
  const json validation = scripts_.validate(script, row.name);
  const auto saved = store_.add_version(user_id, id, script, validation.value("spec", json()), validation);
  if (!saved) throw not_found(id);
  return version_json(*saved, false);
}

json CustomConnectorService::versions(const std::string& user_id, const std::string& id) {
  owned(user_id, id);
  json items = json::array();
  for (const auto& v : store_.versions(user_id, id))
    items.push_back(version_json(v, false));
  return items;
}

json CustomConnectorService::version(const std::string& user_id, const std::string& id,
                                     const std::string& number) {
  owned(user_id, id);
  int n = 0;
  const auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), n);
  if (ec != std::errc() || ptr != number.data() + number.size() || n < 1)
    throw http::errors::not_found("version " + number);
  const auto v = store_.version(id, n);
  if (!v || v->user_id != user_id) throw http::errors::not_found("version " + number);
  return version_json(*v, true);
}

CustomConnectorService::Script CustomConnectorService::script_of(const std::string& user_id,
                                                                 const json& body) {
  const bool inline_script = body.contains("script");
  const bool saved = body.contains("connector_id") || body.contains("version");
  if (inline_script == saved)
    throw http::errors::validation("script", "send either script, or connector_id and version");
  if (inline_script) {
    if (!body["script"].is_string() || body["script"].get<std::string>().empty() ||
        body["script"].get<std::string>().size() > kMaxScriptBytes)
      throw http::errors::validation("script", "must be a non-empty string of at most 512 KiB");
    return {body["script"].get<std::string>(), "inline"};
  }
  if (!body.contains("connector_id") || !body["connector_id"].is_string())
    throw http::errors::validation("connector_id", "must be a custom connector id");
  if (!body.contains("version") || !body["version"].is_number_integer() ||
      body["version"].get<long long>() < 1)
    throw http::errors::validation("version", "must be a version number (1, 2, ...)");
  const std::string id = body["connector_id"].get<std::string>();
  const auto row = owned(user_id, id);
  const auto v = store_.version(id, static_cast<int>(body["version"].get<long long>()));
  if (!v || v->user_id != user_id) throw http::errors::not_found("version " + body["version"].dump());
  return {v->script, row.name};
}

json CustomConnectorService::validate(const std::string& user_id, const json& body) {
  http::FieldReader fields(body);
  fields.allow_only({"script", "connector_id", "version"});
  fields.finish();
  const auto script = script_of(user_id, body);
  return scripts_.validate(script.text, script.name);
}

json CustomConnectorService::test(const std::string& user_id, const json& body) {
  http::FieldReader fields(body);
  fields.allow_only({"script", "connector_id", "version", "config", "credentials", "table", "write"});
  fields.optional_string("table", 1, 500);
  if (body.contains("config") && !body["config"].is_object()) fields.fail("config", "must be an object");
  if (body.contains("credentials") && !body["credentials"].is_object())
    fields.fail("credentials", "must be an object");
  if (body.contains("write")) {
    const json& w = body["write"];
    if (!w.is_object() || !w.contains("ops") || !w["ops"].is_array())
      fields.fail("write", "must be an object {table, ops: [...]}");
  }
  fields.finish();
  const auto script = script_of(user_id, body);
  json call = {{"config", body.value("config", json::object())},
               {"credentials", body.value("credentials", json::object())}};
  if (body.contains("table")) call["table"] = body["table"];
  if (body.contains("write")) call["write"] = body["write"];
  return scripts_.test(script.text, script.name, call);
}

json CustomConnectorService::contract() const {
  return lua_contract_document(scripts_.settings());
}

}  // namespace scratch::custom_connectors

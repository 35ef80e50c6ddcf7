#include "connectors/lua_contract.hpp"

namespace scratch::connectors {
namespace {

using nlohmann::json;

json error_schema() {
  return {{"type", "object"},
          {"required", {"code", "message"}},
          {"properties",
           {{"code", {{"type", "string"}, {"minLength", 1}}},
            {"message", {{"type", "string"}}},
            {"retryable", {{"type", "boolean"}}}}}};
}

json field_types() {
  return {"text",         "long_text", "number", "boolean",    "date", "datetime", "single_select",
          "multi_select", "url",       "email",  "attachment", "link", "json"};
}

}  // namespace

const json& lua_result_schemas() {
  static const json schemas = [] {
    json s;
    s["spec"] = {
        {"type", "object"},
        {"required", {"display_name", "capabilities", "limits", "config_schema", "credentials_schema"}},
        {"properties",
         {{"display_name", {{"type", "string"}, {"minLength", 1}}},
          {"description", {{"type", "string"}}},
          {"capabilities",
           {{"type", "array"}, {"items", {{"enum", {"read", "create", "update", "delete"}}}}}},
          {"limits",
           {{"type", "object"},
            {"properties",
             {{"max_page_size", {{"type", "number"}, {"minimum", 0}}},
              {"max_write_batch", {{"type", "number"}, {"minimum", 0}}},
              {"requests_per_second", {{"type", "number"}, {"minimum", 0}}}}}}},
          {"config_schema",
           {{"type", "object"}, {"description", "a JSON Schema for the account's settings"}}},
          {"credentials_schema",
           {{"type", "object"}, {"description", "a JSON Schema for the account's secrets"}}}}}};
    s["check"] = {{"type", "object"},
                  {"required", {"ok"}},
                  {"properties", {{"ok", {{"const", true}}}, {"message", {{"type", "string"}}}}}};
    const json field = {{"type", "object"},
                        {"required", {"id", "name", "type"}},
                        {"properties",
                         {{"id", {{"type", "string"}, {"minLength", 1}}},
                          {"name", {{"type", "string"}}},
                          {"type", {{"enum", field_types()}}},
                          {"read_only", {{"type", "boolean"}}},
                          {"options", {{"type", "array"}, {"items", {{"type", "string"}}}}}}}};
    s["list_tables"] = {{"type", "object"},
                        {"required", {"tables"}},
                        {"properties",
                         {{"tables",
                           {{"type", "array"},
                            {"items",
                             {{"type", "object"},
                              {"required", {"id", "name", "fields"}},
                              {"properties",
                               {{"id", {{"type", "string"}, {"minLength", 1}}},
                                {"name", {{"type", "string"}}},
                                {"primary_key", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                                {"read_only", {{"type", "boolean"}}},
                                {"fields", {{"type", "array"}, {"items", field}}}}}}}}}}}};
    s["read"] = {{"type", "object"},
                 {"required", {"records"}},
                 {"properties",
                  {{"records",
                    {{"type", "array"},
                     {"items",
                      {{"type", "object"},
                       {"required", {"id", "fields"}},
                       {"properties",
                        {{"id", {{"type", "string"}, {"minLength", 1}}},
                         {"fields", {{"type", "object"}}},
                         {"updated_at", {{"type", {"string", "null"}}}}}}}}}},
                   {"next_cursor", {{"type", {"string", "null"}}}},
                   {"total", {{"type", "integer"}, {"minimum", 0}}}}}};
    s["write"] = {{"type", "object"},
                  {"required", {"results"}},
                  {"properties",
                   {{"results",
                     {{"type", "array"},
                      {"items",
                       {{"type", "object"},
                        {"required", {"ref", "ok"}},
                        {"properties",
                         {{"ref", {{"type", "string"}}},
                          {"ok", {{"type", "boolean"}}},
                          {"id", {{"type", "string"}}},
                          {"fields", {{"type", "object"}}},
                          {"error", error_schema()}}}}}}}}}};
    s["error"] = error_schema();
    return s;
  }();
  return schemas;
}

const json& lua_contract_functions() {
  static const json functions = json::array({
      {{"name", "spec"}, {"required", "always"}, {"args", json::array()}},
      {{"name", "check"}, {"required", "always"}, {"args", {"config", "credentials"}}},
      {{"name", "list_tables"}, {"required", "always"}, {"args", {"config", "credentials"}}},
      {{"name", "read"}, {"required", "always"}, {"args", {"config", "credentials", "request"}}},
      {{"name", "write"},
       {"required", "when spec.capabilities include create, update or delete"},
       {"args", {"config", "credentials", "request"}}},
  });
  return functions;
}

const json& lua_globals() {
  static const json globals = json::array({
      {{"name", "json.encode"}, {"description", "value -> JSON text; integers stay integers"}},
      {{"name", "json.decode"}, {"description", "JSON text -> value; arrays keep their array-ness"}},
      {{"name", "json.null"}, {"description", "the JSON null sentinel"}},
      {{"name", "json.array"},
       {"description", "marks a table as a JSON array (json.array({}) encodes as [])"}},
      {{"name", "http.request"},
       {"description",
        "{method=, url=, headers=, body=, timeout=} -> {status=, headers= (lower-case names), body=}; errors "
        "with a table {code=, message=} when no response arrived; retries, rate limit and the address guard "
        "are the host's"}},
      {{"name", "log.info"}, {"description", "log a line (captured per call, with the script line)"}},
      {{"name", "log.warn"}, {"description", "log a warning"}},
      {{"name", "log.error"}, {"description", "log an error line (does not fail the call)"}},
      {{"name", "base64.encode"}, {"description", "string -> base64"}},
      {{"name", "base64.decode"}, {"description", "base64 -> string"}},
      {{"name", "url.encode"}, {"description", "percent-encode one query or path component"}},
      {{"name", "url.query"}, {"description", "table -> a=1&b=2 query string"}},
      {{"name", "time.now"}, {"description", "seconds since the epoch (float)"}},
      {{"name", "time.iso"}, {"description", "epoch seconds -> ISO 8601 UTC text"}},
      {{"name", "time.parse_iso"}, {"description", "ISO 8601 text -> epoch seconds"}},
      {{"name", "require"}, {"description", "one of the helper modules shipped in scripts-lua/lib, by name"}},
      {{"name", "string, table, math, utf8, coroutine"},
       {"description", "the standard libraries, minus string.dump"}},
      {{"name",
        "pcall, error, assert, type, tostring, tonumber, pairs, ipairs, select, next, rawequal, "
        "rawget, rawlen, setmetatable, getmetatable"},
       {"description", "safe base functions; no io, os, debug, package, load of bytecode, dofile, loadfile"}},
  });
  return globals;
}

}  // namespace scratch::connectors

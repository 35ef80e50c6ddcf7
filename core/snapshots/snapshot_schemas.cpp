#include "snapshots/snapshot_schemas.hpp"

namespace scratch::snapshots::schemas {

using nlohmann::json;

namespace {
json str() {
  return {{"type", "string"}};
}
json nullable_str() {
  return {{"type", {"string", "null"}}};
}
json obj() {
  return {{"type", "object"}};
}
json integer() {
  return {{"type", "integer"}};
}
json boolean() {
  return {{"type", "boolean"}};
}
}  // namespace

json object() {
  return obj();
}

json items_of(const json& item) {
  return {{"type", "object"}, {"properties", {{"items", {{"type", "array"}, {"items", item}}}}}};
}

json table() {
  json field = {{"type", "object"},
                {"properties",
                 {{"id", str()},
                  {"name", str()},
                  {"type", str()},
                  {"read_only", boolean()},
                  {"options", {{"type", "array"}, {"items", str()}}}}}};
  return {{"type", "object"},
          {"properties",
           {{"id", str()},
            {"snapshot_id", str()},
            {"account_id", str()},
            {"connector", str()},
            {"remote_table", str()},
            {"name", str()},
            {"read_only", boolean()},
            {"fields", {{"type", "array"}, {"items", field}}},
            {"record_count", integer()},
            {"dirty_count", integer()},
            {"pending_count", integer()},
            {"conflict_count", integer()},
            {"last_download_at", nullable_str()},
            {"last_publish_at", nullable_str()},
            {"download_incomplete", boolean()}}}};
}

json snapshot() {
  return {{"type", "object"},
          {"properties",
           {{"id", str()},
            {"name", str()},
            {"created_at", str()},
            {"updated_at", str()},
            {"tables", {{"type", "array"}, {"items", table()}}}}}};
}

json record() {
  return {
      {"type", "object"},
      {"properties",
       {{"id", str()},
        {"table_id", str()},
        {"remote_id", nullable_str()},
        {"values", obj()},
        {"downloaded", {{"type", {"object", "null"}}}},
        {"edits", obj()},
        {"suggestions", obj()},
        {"suggested_delete", boolean()},
        {"suggested_create", boolean()},
        {"conflicts", {{"type", "object"}, {"description", "field -> {local, remote, base}"}}},
        {"state", {{"type", "string"}, {"enum", {"synced", "edited", "created", "deleted", "suggested"}}}},
        {"remote_deleted", boolean()},
        {"ambiguous_create", boolean()},
        {"publish_error", {{"type", {"object", "null"}}}},
        {"seq", integer()},
        {"remote_updated_at", nullable_str()},
        {"updated_at", str()}}}};
}

json record_page() {
  return {{"type", "object"},
          {"properties",
           {{"items", {{"type", "array"}, {"items", record()}}},
            {"next_cursor", nullable_str()},
            {"total", {{"type", "integer"}, {"description", "only with include_total=true"}}}}}};
}

json values_body() {
  return {{"type", "object"},
          {"required", {"values"}},
          {"properties", {{"values", {{"type", "object"}, {"description", "field id -> value"}}}}}};
}

json list_body() {
  return {{"type", "object"},
          {"properties",
           {{"filter",
             {{"type", "object"}, {"description", "condition or {and|or: [...]}; see docs/snapshots.md"}}},
            {"sort", {{"description", "'a:asc,b:desc' or [{field, dir}]"}}},
            {"search", str()},
            {"fields", {{"type", "array"}, {"items", str()}}},
            {"limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}}},
            {"cursor", nullable_str()},
            {"include_total", boolean()},
            {"include", {{"type", "string"}, {"enum", {"all", "live"}}}}}}};
}

json job_ref() {
  return {{"type", "object"},
          {"properties", {{"job", {{"type", "object"}, {"properties", {{"id", str()}, {"type", str()}}}}}}}};
}

}  // namespace scratch::snapshots::schemas

#include "agent/agent_tools.hpp"

#include <pqxx/pqxx>

#include "agent/reference_library.hpp"
#include "agent/url_loader.hpp"
#include "connectors/json_schema.hpp"
#include "db/transaction.hpp"
#include "http/problem.hpp"
#include "snapshots/agent_capabilities.hpp"
#include "snapshots/snapshot_routes.hpp"

namespace scratch::agent {
namespace {

using nlohmann::json;

json str(const char* description) {
  return {{"type", "string"}, {"description", description}};
}

json object_schema(json properties, json required) {
  return {{"type", "object"},
          {"properties", std::move(properties)},
          {"required", std::move(required)},
          {"additionalProperties", false}};
}

const json kFilterSchema = {
    {"type", "object"},
    {"description",
     "a condition {\"field\": id, \"op\": eq|ne|contains|not_contains|starts_with|gt|gte|lt|lte|is_empty|"
     "is_not_empty|in, \"value\": v} or a group {\"and\": [...]} / {\"or\": [...]}; pseudo-fields $state, "
     "$has_suggestions, $has_conflicts, $has_error"}};

const json kFieldList = {{"type", "array"},
                         {"items", {{"type", "string"}}},
                         {"description", "field ids to return (default: all)"}};

// A record as the model needs it: values and what is pending, not the bookkeeping.
json compact(const json& r) {
  json out = {{"id", r.value("id", json())}, {"values", r.value("values", json::object())}};
  if (r.contains("suggestions") && r["suggestions"].is_object() && !r["suggestions"].empty())
    out["suggestions"] = r["suggestions"];
  if (r.value("suggested_delete", false)) out["suggested_delete"] = true;
  if (r.value("suggested_create", false)) out["suggested_create"] = true;
  if (r.contains("conflicts") && r["conflicts"].is_object() && !r["conflicts"].empty())
    out["conflicts"] = r["conflicts"];
  out["state"] = r.value("state", "");
  return out;
}

std::string arg_string(const json& args, const char* key) {
  return args.contains(key) && args[key].is_string() ? args[key].get<std::string>() : std::string();
}

// The value the owner would see after accepting what is already suggested.
json pending_value(const json& record, const std::string& field) {
  if (record.contains("suggestions") && record["suggestions"].is_object() &&
      record["suggestions"].contains(field))
    return record["suggestions"][field];
  const json& values = record.value("values", json::object());
  return values.contains(field) ? values[field] : json(nullptr);
}

const json* field_of(const json& table, const std::string& field) {
  for (const auto& f : table["fields"])
    if (f.value("id", "") == field) return &f;
  return nullptr;
}

json table_of(snapshots::SnapshotServices& s, const std::string& snapshot_id, const std::string& table_id) {
  return s.snapshots.get_table(snapshot_id, table_id);  // 404 for a table of another snapshot
}

// Text fields only: appending and replacing need text.
void require_text_field(const json& table, const std::string& field) {
  const json* f = field_of(table, field);
  if (!f)
    throw http::ApiError(422, "unknown_field", "Unknown field", "the table has no field '" + field + "'");
  const std::string type = f->value("type", "");
  if (type != "text" && type != "long_text" && type != "rich_text" && type != "markdown" && type != "html" &&
      type != "url" && type != "email")
    throw http::ApiError(
        422, "not_a_text_field", "Not a text field",
        "field '" + field + "' is " + type + "; only text fields can be appended to or searched");
}

std::string lower_ascii(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Replaces every occurrence; counts them.
std::string replace_all(const std::string& text, const std::string& find, const std::string& with,
                        bool match_case, long long& count) {
  if (find.empty()) return text;
  const std::string hay = match_case ? text : lower_ascii(text);
  const std::string needle = match_case ? find : lower_ascii(find);
  std::string out;
  std::size_t from = 0;
  for (std::size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, from)) {
    out.append(text, from, at - from);
    out += with;
    from = at + find.size();
    ++count;
  }
  out.append(text, from, std::string::npos);
  return out;
}

json suggest(snapshots::SnapshotServices& s, const ToolContext& c, const json& body) {
  return s.suggestions.suggest(c.principal.user_id, c.snapshot_id, body);
}

}  // namespace

AgentTools::AgentTools(snapshots::SnapshotServices& snapshots, ReferenceLibrary& library,
                       const UrlLoader& urls, custom_connectors::CustomConnectorService& connectors)
    : snapshots_(snapshots), library_(library), urls_(urls), connectors_(connectors) {
  add_read_tools();
  add_suggest_tools();
  add_view_tools();
  add_library_tools();
  add_builder_tools();
}

const Tool* AgentTools::find(const std::string& name) const {
  for (const auto& t : tools_)
    if (t.name == name) return &t;
  return nullptr;
}

json AgentTools::describe(const auth::Principal& principal, bool with_snapshot) const {
  json out = json::array();
  for (const auto& t : tools_) {
    if (!snapshots::has_capability(principal, t.capability)) continue;
    if (t.needs_snapshot && !with_snapshot) continue;
    out.push_back({{"name", t.name},
                   {"description", t.description},
                   {"input_schema", t.input_schema},
                   {"capability", t.capability}});
  }
  return out;
}

json AgentTools::call(const ToolContext& context, const std::string& name, const json& arguments) const {
  const Tool* tool = find(name);
  if (!tool)
    throw http::ApiError(404, "unknown_tool", "No such tool", "there is no tool named '" + name + "'");
  snapshots::require_capability(context.principal, tool->capability);
  if (tool->needs_snapshot && context.snapshot_id.empty())
    throw http::ApiError(400, "snapshot_required", "This tool works on a snapshot",
                         "tool '" + name + "' needs a snapshot");
  const json args = arguments.is_null() ? json::object() : arguments;
  const auto violations = connectors::validate_against(tool->input_schema, args);
  if (!violations.empty()) {
    json errors = json::array();
    std::string detail;
    for (const auto& v : violations) {
      errors.push_back({{"path", v.path.empty() ? "/" : v.path}, {"message", v.message}});
      if (detail.size() < 400)
        detail += (detail.empty() ? "" : "; ") + (v.path.empty() ? "/" : v.path) + ": " + v.message;
    }
    throw http::ApiError(422, "invalid_arguments", "Invalid tool arguments",
                         "arguments of " + name + ": " + detail)
        .with("errors", errors);
  }
  return tool->run(context, args);
}

void AgentTools::add_read_tools() {
  auto& s = snapshots_;
  add({"list_tables",
       "Lists the snapshot's tables with their fields (id, name, type, read_only, options), record counts "
       "and each "
       "table's active view filter. Call this first: other tools take table and field ids from here.",
       object_schema(json::object(), json::array()), "read", true, [&s](const ToolContext& c, const json&) {
         json tables = json::array();
         const json listed = s.snapshots.list_tables(c.snapshot_id);  // kept alive for the loop
         for (const auto& t : listed["items"]) {
           tables.push_back({{"id", t["id"]},
                             {"name", t["name"]},
                             {"read_only", t["read_only"]},
                             {"record_count", t["record_count"]},
                             {"fields", t["fields"]},
                             {"view_filter", t.value("view_filter", json())}});
         }
         return json{{"tables", tables}};
       }});

  add({"fetch_records",
       "Fetches a page of records from a table: optional structured filter, sort (\"field:asc,other:desc\"), "
       "full-text search, field projection and a cursor from the previous page (limit 1..200, default 50). "
       "Returns {records: [{id, values, suggestions?, state}], next_cursor}.",
       object_schema(
           {{"table_id", str("table id from list_tables")},
            {"filter", kFilterSchema},
            {"sort", str("e.g. \"title:asc\"")},
            {"search", str("words, \"phrases\", -excluded")},
            {"cursor", {{"type", {"string", "null"}}, {"description", "next_cursor of the previous page"}}},
            {"limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", 200}}},
            {"fields", kFieldList}},
           {"table_id"}),
       "read", true, [&s](const ToolContext& c, const json& args) {
         json body = json::object();
         for (const char* k : {"filter", "sort", "search", "cursor", "fields"})
           if (args.contains(k) && !args[k].is_null()) body[k] = args[k];
         body["limit"] = args.value("limit", 50);
         const auto params = snapshots::list_params_from_body(body);
         const json page = json::parse(s.reader.list(c.snapshot_id, arg_string(args, "table_id"), params));
         json records = json::array();
         for (const auto& r : page["items"])
           records.push_back(compact(r));
         return json{{"records", records}, {"next_cursor", page.value("next_cursor", json())}};
       }});

  add({"fetch_records_by_ids",
       "Fetches specific records by id (at most 200). Returns {records, missing: [ids not found]}.",
       object_schema(
           {{"table_id", str("table id")},
            {"record_ids",
             {{"type", "array"}, {"items", {{"type", "string"}}}, {"minItems", 1}, {"maxItems", 200}}},
            {"fields", kFieldList}},
           {"table_id", "record_ids"}),
       "read", true, [&s](const ToolContext& c, const json& args) {
         const std::string table_id = arg_string(args, "table_id");
         table_of(s, c.snapshot_id, table_id);
         std::set<std::string> fields;
         for (const auto& f : args.value("fields", json::array()))
           fields.insert(f.get<std::string>());
         json records = json::array(), missing = json::array();
         for (const auto& id : args["record_ids"]) {
           try {
             json r = compact(s.reader.get(c.snapshot_id, table_id, id.get<std::string>()));
             if (!fields.empty()) {
               json projected = json::object();
               for (const auto& [k, v] : r["values"].items())
                 if (fields.count(k)) projected[k] = v;
               r["values"] = projected;
             }
             records.push_back(std::move(r));
           } catch (const http::ApiError& e) {
             if (e.status() != 404) throw;
             missing.push_back(id);
           }
         }
         return json{{"records", records}, {"missing", missing}};
       }});
}

void AgentTools::add_suggest_tools() {
  auto& s = snapshots_;
  const json values = {{"type", "object"}, {"description", "field id -> new value"}};
  add({"suggest_updates",
       "Suggests new values for existing records (many at once). Nothing changes until the owner accepts. "
       "Returns {updated}.",
       object_schema({{"table_id", str("table id")},
                      {"updates",
                       {{"type", "array"},
                        {"minItems", 1},
                        {"maxItems", 500},
                        {"items", object_schema({{"record_id", str("record id")}, {"values", values}},
                                                {"record_id", "values"})}}}},
                     {"table_id", "updates"}),
       "suggest_update", true, [&s](const ToolContext& c, const json& args) {
         return suggest(s, c, {{"table_id", args["table_id"]}, {"updates", args["updates"]}});
       }});
  add({"suggest_creates",
       "Suggests new records. They appear to the owner as suggested creates. Returns {created: [ids]}.",
       object_schema({{"table_id", str("table id")},
                      {"records",
                       {{"type", "array"},
                        {"minItems", 1},
                        {"maxItems", 500},
                        {"items", object_schema({{"values", values}}, {"values"})}}}},
                     {"table_id", "records"}),
       "suggest_create", true, [&s](const ToolContext& c, const json& args) {
         return suggest(s, c, {{"table_id", args["table_id"]}, {"creates", args["records"]}});
       }});
  add({"suggest_deletes", "Suggests deleting records. The owner decides. Returns {deleted}.",
       object_schema(
           {{"table_id", str("table id")},
            {"record_ids",
             {{"type", "array"}, {"items", {{"type", "string"}}}, {"minItems", 1}, {"maxItems", 500}}}},
           {"table_id", "record_ids"}),
       "suggest_delete", true, [&s](const ToolContext& c, const json& args) {
         return suggest(s, c, {{"table_id", args["table_id"]}, {"deletes", args["record_ids"]}});
       }});
  add({"set_field_value", "Suggests one value for one field of one record.",
       object_schema({{"table_id", str("table id")},
                      {"record_id", str("record id")},
                      {"field", str("field id")},
                      {"value", json::object()}},
                     {"table_id", "record_id", "field", "value"}),
       "suggest_update", true, [&s](const ToolContext& c, const json& args) {
         return suggest(
             s, c,
             {{"table_id", args["table_id"]},
              {"updates", json::array({{{"record_id", args["record_id"]},
                                        {"values", {{args["field"].get<std::string>(), args["value"]}}}}})}});
       }});
  add({"append_to_field",
       "Suggests appending text to a text field of one record (after what is there, or after what is already "
       "suggested), with a separator (default a space for one-line text fields, a newline for long text). "
       "Returns {value}: the suggested text.",
       object_schema({{"table_id", str("table id")},
                      {"record_id", str("record id")},
                      {"field", str("a text field id")},
                      {"text", str("text to append")},
                      {"separator", str("between the old text and the new")}},
                     {"table_id", "record_id", "field", "text"}),
       "suggest_update", true, [&s](const ToolContext& c, const json& args) {
         const std::string table_id = arg_string(args, "table_id"), field = arg_string(args, "field");
         const json table = table_of(s, c.snapshot_id, table_id);
         require_text_field(table, field);
         const bool one_line = field_of(table, field)->value("type", "") == "text";
         const json record = s.reader.get(c.snapshot_id, table_id, arg_string(args, "record_id"));
         const json current = pending_value(record, field);
         std::string text = current.is_string() ? current.get<std::string>() : "";
         if (!text.empty()) text += args.value("separator", std::string(one_line ? " " : "\n"));
         text += arg_string(args, "text");
         suggest(s, c,
                 {{"table_id", table_id},
                  {"updates", json::array({{{"record_id", record["id"]}, {"values", {{field, text}}}}})}});
         return json{{"record_id", record["id"]}, {"value", text}};
       }});
  add({"search_replace_in_field",
       "Finds text in a text field across the table (optionally only records matching a filter) and suggests "
       "the replaced values. Case-insensitive unless match_case. Returns {matched: records containing the "
       "text, "
       "suggested: records given a suggestion, replacements: occurrences replaced, truncated}.",
       object_schema({{"table_id", str("table id")},
                      {"field", str("a text field id")},
                      {"find", {{"type", "string"}, {"minLength", 1}}},
                      {"replace", {{"type", "string"}}},
                      {"filter", kFilterSchema},
                      {"match_case", {{"type", "boolean"}}}},
                     {"table_id", "field", "find", "replace"}),
       "suggest_update", true, [&s](const ToolContext& c, const json& args) {
         const std::string table_id = arg_string(args, "table_id"), field = arg_string(args, "field");
         require_text_field(table_of(s, c.snapshot_id, table_id), field);
         const std::string find = arg_string(args, "find"), with = arg_string(args, "replace");
         const bool match_case = args.value("match_case", false);
         json filter = {{"field", field}, {"op", "contains"}, {"value", find}};
         if (args.contains("filter")) filter = {{"and", json::array({args["filter"], filter})}};
         constexpr long long kMaxRecords = 10000;
         long long matched = 0, suggested = 0, replacements = 0;
         std::string cursor;
         bool truncated = false;
         do {
           json body = {{"filter", filter}, {"limit", 500}};
           if (!cursor.empty()) body["cursor"] = cursor;
           const json page =
               json::parse(s.reader.list(c.snapshot_id, table_id, snapshots::list_params_from_body(body)));
           json updates = json::array();
           for (const auto& r : page["items"]) {
             const json current = pending_value(r, field);
             if (!current.is_string()) continue;
             long long n = 0;
             const std::string replaced = replace_all(current.get<std::string>(), find, with, match_case, n);
             if (n == 0) continue;  // "contains" is case-insensitive; match_case may still rule it out
             ++matched;
             replacements += n;
             if (replaced != current.get<std::string>())
               updates.push_back({{"record_id", r["id"]}, {"values", {{field, replaced}}}});
           }
           if (!updates.empty()) {
             suggest(s, c, {{"table_id", table_id}, {"updates", updates}});
             suggested += static_cast<long long>(updates.size());
           }
           cursor =
               page.value("next_cursor", json()).is_string() ? page["next_cursor"].get<std::string>() : "";
           if (matched >= kMaxRecords && !cursor.empty()) {
             truncated = true;
             break;
           }
         } while (!cursor.empty());
         return json{{"matched", matched},
                     {"suggested", suggested},
                     {"replacements", replacements},
                     {"truncated", truncated}};
       }});
}

void AgentTools::add_view_tools() {
  auto& s = snapshots_;
  add({"set_view_filter",
       "Sets the table's active view filter, which the owner's table view shows (our structured filter, the "
       "same shape fetch_records takes); null clears it. Changes no data.",
       object_schema(
           {{"table_id", str("table id")},
            {"filter", {{"type", {"object", "null"}}, {"description", kFilterSchema["description"]}}}},
           {"table_id", "filter"}),
       "view_filters", true, [&s](const ToolContext& c, const json& args) {
         return s.snapshots.set_view_filter(c.principal.user_id, c.snapshot_id, arg_string(args, "table_id"),
                                            args["filter"]);
       }});
  add({"add_scratch_column",
       "Adds a scratch column to a table: a local-only field for notes or intermediate results that is never "
       "published to the source. Suggest values into it like any field. Returns the field.",
       object_schema({{"table_id", str("table id")},
                      {"name", {{"type", "string"}, {"minLength", 1}, {"maxLength", 100}}},
                      {"type", {{"type", "string"}, {"enum", {"text", "long_text", "number", "boolean"}}}}},
                     {"table_id", "name"}),
       "scratch_columns", true, [&s](const ToolContext& c, const json& args) {
         return s.snapshots.add_scratch_field(c.principal.user_id, c.snapshot_id,
                                              arg_string(args, "table_id"), arg_string(args, "name"),
                                              args.value("type", std::string("text")));
       }});
  add({"remove_scratch_column",
       "Removes a scratch column and its values (only scratch columns can be removed).",
       object_schema({{"table_id", str("table id")}, {"field_id", str("the scratch column's field id")}},
                     {"table_id", "field_id"}),
       "scratch_columns", true, [&s](const ToolContext& c, const json& args) {
         s.snapshots.remove_scratch_field(c.principal.user_id, c.snapshot_id, arg_string(args, "table_id"),
                                          arg_string(args, "field_id"));
         return json{{"removed", args["field_id"]}};
       }});
}

void AgentTools::add_library_tools() {
  auto& lib = library_;
  const auto& urls = urls_;
  add({"load_url",
       "Loads a public web page (http/https) and returns its readable text {url, final_url, status, title, "
       "text, "
       "truncated}. Private, loopback and metadata addresses are refused.",
       object_schema({{"url", {{"type", "string"}, {"minLength", 8}, {"maxLength", 2000}}}}, {"url"}),
       "load_url", true,
       [&urls](const ToolContext&, const json& args) { return urls.load(arg_string(args, "url")); }});
  add({"list_reference_files",
       "Lists the owner's uploaded reference files (Markdown or text) and style guides, without their "
       "contents.",
       object_schema(json::object(), json::array()), "read_uploads", true,
       [&lib](const ToolContext& c, const json&) {
         json guides = json::array();
         const json all = lib.guides(c.principal.user_id);
         for (auto g : all["items"]) {
           g.erase("body");
           guides.push_back(g);
         }
         return json{{"files", lib.files(c.principal.user_id)["items"]}, {"style_guides", guides}};
       }});
  add({"read_reference_file",
       "Reads one uploaded reference file or style guide by id. Returns {id, name, content}.",
       object_schema({{"id", str("a file or style guide id from list_reference_files")}}, {"id"}),
       "read_uploads", true, [&lib](const ToolContext& c, const json& args) {
         const std::string id = arg_string(args, "id");
         try {
           const json f = lib.file(c.principal.user_id, id);
           return json{{"id", f["id"]}, {"name", f["name"]}, {"kind", "file"}, {"content", f["content"]}};
         } catch (const http::ApiError& e) {
           if (e.status() != 404) throw;
         }
         const json g = lib.guide(c.principal.user_id, id);
         return json{{"id", g["id"]}, {"name", g["name"]}, {"kind", "style_guide"}, {"content", g["body"]}};
       }});
}

}  // namespace scratch::agent

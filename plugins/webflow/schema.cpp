#include "schema.hpp"

#include <map>
#include <scratch/plugin_util.hpp>

namespace scratch::webflow {

using plugin::json;

namespace {

// Option choices live in the field's `validations.options` ([{id, name}]); some answers put them under
// `metadata.options`, so both are read.
std::vector<std::pair<std::string, std::string>> options_of(const json& field) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const char* holder : {"validations", "metadata"}) {
    const auto h = field.find(holder);
    if (h == field.end() || !h->is_object() || !h->contains("options") || !(*h)["options"].is_array())
      continue;
    for (const json& o : (*h)["options"]) {
      if (o.is_object() && !plugin::string_or(o, "id").empty())
        out.emplace_back(plugin::string_or(o, "id"), plugin::string_or(o, "name"));
    }
    if (!out.empty()) break;
  }
  return out;
}

json field_json(const std::string& id, const std::string& name, const std::string& type, bool read_only) {
  return {{"id", id}, {"name", name}, {"type", type}, {"read_only", read_only}};
}

}  // namespace

const Field* Collection::find(const std::string& slug) const {
  for (const Field& f : fields)
    if (f.slug == slug) return &f;
  return nullptr;
}

std::string canonical_type(const std::string& type) {
  static const std::map<std::string, std::string> kTypes = {
      {"PlainText", "text"},       {"RichText", "long_text"},
      {"VideoLink", "url"},        {"Link", "url"},
      {"Email", "email"},          {"Phone", "text"},
      {"Color", "text"},           {"Number", "number"},
      {"DateTime", "datetime"},    {"Switch", "boolean"},
      {"Option", "single_select"}, {"Reference", "link"},
      {"MultiReference", "link"},
  };
  const auto it = kTypes.find(type);
  return it == kTypes.end() ? "json" : it->second;
}

Collection parse_collection(const json& body) {
  Collection c;
  c.id = plugin::string_or(body, "id");
  c.name = plugin::string_or(body, "displayName");
  if (c.name.empty()) c.name = plugin::string_or(body, "slug");
  if (!body.contains("fields") || !body["fields"].is_array()) return c;
  for (const json& f : body["fields"]) {
    if (!f.is_object() || plugin::string_or(f, "slug").empty()) continue;
    Field field;
    field.slug = plugin::string_or(f, "slug");
    field.name = plugin::string_or(f, "displayName");
    if (field.name.empty()) field.name = field.slug;
    field.type = plugin::string_or(f, "type");
    field.canonical = canonical_type(field.type);
    // isEditable false: Webflow fills the field itself (e.g. User); the API refuses writes to it.
    field.read_only =
        f.contains("isEditable") && f["isEditable"].is_boolean() && !f["isEditable"].get<bool>();
    if (field.type == "Option") field.options = options_of(f);
    c.fields.push_back(std::move(field));
  }
  return c;
}

json describe_table(const Collection& c) {
  json fields = json::array();
  for (const Field& f : c.fields) {
    json out = field_json(f.slug, f.name, f.canonical, f.read_only);
    if (f.canonical == "single_select") {
      json names = json::array();
      for (const auto& [id, name] : f.options)
        names.push_back(name);
      out["options"] = std::move(names);
    }
    fields.push_back(std::move(out));
  }
  fields.push_back(field_json(kIsDraft, "Draft", "boolean", false));
  fields.push_back(field_json(kIsArchived, "Archived", "boolean", false));
  fields.push_back(field_json("createdOn", "Created on", "datetime", true));
  fields.push_back(field_json("lastUpdated", "Last updated", "datetime", true));
  fields.push_back(field_json("lastPublished", "Last published", "datetime", true));
  fields.push_back(field_json("cmsLocaleId", "Locale", "text", true));
  return {{"id", c.id},
          {"name", c.name},
          {"primary_key", json::array()},
          {"read_only", false},
          {"fields", std::move(fields)}};
}

}  // namespace scratch::webflow

#include "record_codec.hpp"

#include <cctype>
#include <cstdlib>

namespace scratch::webflow {

using plugin::Error;
using plugin::json;

namespace {

json read_value(const Field& field, const json& value) {
  if (value.is_null()) return value;
  if (field.type == "Option" && value.is_string()) {
    for (const auto& [id, name] : field.options)
      if (id == value) return name;
    return value;  // an option deleted since: the id is all there is, and writing it back is still lossless
  }
  if (field.type == "Reference") {
    if (value.is_string()) return value.get<std::string>().empty() ? json() : json::array({value});
    return value;
  }
  return value;  // MultiReference is already an array of ids; json types keep Webflow's own object
}

Error invalid(const Field& field, const std::string& problem) {
  return Error("invalid_value", field.slug + ": " + problem);
}

json write_option(const Field& field, const json& value) {
  if (!value.is_string()) throw invalid(field, "expected an option name");
  const std::string text = value.get<std::string>();
  for (const auto& [id, name] : field.options)
    if (name == text) return id;
  for (const auto& [id, name] : field.options)
    if (id == text) return id;  // an option id, as read for an option that has no name any more
  std::string names;
  for (const auto& [id, name] : field.options)
    names += (names.empty() ? "" : ", ") + name;
  throw invalid(field, "'" + text + "' is not one of the options (" + names + ")");
}

json write_reference(const Field& field, const json& value) {
  if (value.is_string()) return value;
  if (!value.is_array()) throw invalid(field, "expected an array with one item id");
  if (value.empty()) return nullptr;
  if (value.size() > 1) throw invalid(field, "a Reference field links to at most one item");
  if (!value[0].is_string()) throw invalid(field, "item ids are strings");
  return value[0];
}

json write_number(const Field& field, const json& value) {
  if (value.is_number()) return value;
  if (value.is_string()) {  // the canonical form for numbers a double cannot hold exactly
    const std::string text = value.get<std::string>();
    char* end = nullptr;
    const double d = std::strtod(text.c_str(), &end);
    if (!text.empty() && end && *end == '\0') return d;
  }
  throw invalid(field, "expected a number");
}

json write_value(const Field& field, const json& value) {
  if (value.is_null()) return value;
  const std::string& c = field.canonical;
  if (field.type == "Option") return write_option(field, value);
  if (field.type == "Reference") return write_reference(field, value);
  if (field.type == "MultiReference") {
    if (!value.is_array()) throw invalid(field, "expected an array of item ids");
    for (const json& v : value)
      if (!v.is_string()) throw invalid(field, "item ids are strings");
    return value;
  }
  if (c == "number") return write_number(field, value);
  if (c == "boolean") {
    if (!value.is_boolean()) throw invalid(field, "expected true or false");
    return value;
  }
  if (c == "text" || c == "long_text" || c == "url" || c == "email" || c == "datetime") {
    if (!value.is_string()) throw invalid(field, "expected a string");
    return value;
  }
  return value;  // json: Webflow's own object (Image, File, ...) goes back as it came
}

bool is_system_read_only(const std::string& key) {
  for (const char* k : kSystemReadOnly)
    if (key == k) return true;
  return false;
}

}  // namespace

json fields_of(const Collection& collection, const json& item) {
  json fields = json::object();
  const json empty = json::object();
  const json& data = item.contains("fieldData") && item["fieldData"].is_object() ? item["fieldData"] : empty;
  for (const Field& f : collection.fields) {
    const auto it = data.find(f.slug);
    fields[f.slug] = it == data.end() ? json() : read_value(f, *it);
  }
  for (const char* key : {kIsDraft, kIsArchived}) {
    const auto it = item.find(key);
    fields[key] = it != item.end() && it->is_boolean() ? *it : json(false);
  }
  for (const char* key : kSystemReadOnly) {
    const auto it = item.find(key);
    fields[key] = it != item.end() ? *it : json();
  }
  return fields;
}

json record_of(const Collection& collection, const json& item) {
  const auto updated = item.find("lastUpdated");
  return {{"id", item.value("id", "")},
          {"fields", fields_of(collection, item)},
          {"updated_at", updated != item.end() && updated->is_string() ? *updated : json()}};
}

json item_for_write(const Collection& collection, const json& fields, bool create) {
  if (!fields.is_object()) throw Error("invalid_request", "\"fields\" must be an object");
  json item = json::object();
  json data = json::object();
  for (const auto& [key, value] : fields.items()) {
    if (key == kIsDraft || key == kIsArchived) {
      if (!value.is_boolean()) throw Error("invalid_value", key + ": expected true or false");
      item[key] = value;
      continue;
    }
    if (is_system_read_only(key)) throw Error("read_only", key + " is set by Webflow and cannot be written");
    const Field* field = collection.find(key);
    if (!field) throw Error("unknown_field", "collection " + collection.name + " has no field " + key);
    if (field->read_only)
      throw Error("read_only", key + " (" + field->type + ") cannot be written through the API");
    data[key] = write_value(*field, value);
  }
  if (create) {
    const bool has_slug = data.contains("slug") && data["slug"].is_string() && !data["slug"].empty();
    if (!has_slug && data.contains("name") && data["name"].is_string()) data["slug"] = slugify(data["name"]);
  }
  item["fieldData"] = std::move(data);
  return item;
}

std::string slugify(const std::string& text) {
  std::string out;
  bool hyphen = false;
  for (const unsigned char ch : text) {
    if (std::isalnum(ch) && ch < 0x80) {
      if (hyphen && !out.empty()) out += '-';
      out += static_cast<char>(std::tolower(ch));
      hyphen = false;
    } else {
      hyphen = true;
    }
  }
  return out.empty() ? "item" : out;
}

}  // namespace scratch::webflow

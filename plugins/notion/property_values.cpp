#include "property_values.hpp"

#include <scratch/plugin.hpp>

#include "markdown.hpp"

namespace scratch::notion {
namespace {

using nlohmann::json;
using plugin::Error;

json names_of(const json& options) {
  json out = json::array();
  if (!options.is_array()) return out;
  for (const json& o : options)
    if (o.is_object() && o.contains("name")) out.push_back(o["name"]);
  return out;
}

// Notion has no empty string for these: "" clears the value, as the server's null does.
json optional_string(const json& value, const std::string& field) {
  if (value.is_null()) return nullptr;
  if (!value.is_string()) throw Error("invalid_value", field + ": must be a string");
  return value.get<std::string>().empty() ? json() : value;
}

// An array of ids, given as strings or as objects with an "id" (people as Notion returns them).
json id_objects(const json& value, const std::string& field) {
  json out = json::array();
  if (value.is_null()) return out;
  if (!value.is_array()) throw Error("invalid_value", field + ": must be an array of ids");
  for (const json& v : value) {
    if (v.is_string()) {
      out.push_back({{"id", v}});
    } else if (v.is_object() && v.contains("id") && v["id"].is_string()) {
      out.push_back({{"id", v["id"]}});
    } else {
      throw Error("invalid_value", field + ": each element must be an id or an object with an id");
    }
  }
  return out;
}

json number_of(const json& value, const std::string& field) {
  if (value.is_null() || value.is_number()) return value;
  if (value.is_string()) {
    const json parsed = json::parse(value.get<std::string>(), nullptr, false);
    if (parsed.is_number()) return parsed;
  }
  throw Error("invalid_value", field + ": must be a number");
}

json date_of(const json& value, const std::string& field) {
  if (value.is_null()) return nullptr;
  if (value.is_string()) {
    if (value.get<std::string>().empty()) return nullptr;
    return {{"start", value}, {"end", nullptr}, {"time_zone", nullptr}};
  }
  if (value.is_object() && value.contains("start") && value["start"].is_string()) {
    return {{"start", value["start"]},
            {"end", value.value("end", json())},
            {"time_zone", value.value("time_zone", json())}};
  }
  throw Error("invalid_value", field + ": must be a date string or {start, end, time_zone}");
}

}  // namespace

json decode_value(const json& property) {
  if (!property.is_object()) return nullptr;
  const std::string type = property.value("type", "");
  const json value = property.value(type, json());
  if (type == "title" || type == "rich_text") {
    if (!value.is_array() || value.empty()) return nullptr;
    return rich_text_to_markdown(value);
  }
  if (type == "select" || type == "status") return value.is_object() ? value.value("name", json()) : json();
  if (type == "multi_select") return names_of(value);
  if (type == "date") {
    if (!value.is_object()) return nullptr;
    // A plain start stays a date string; a range or a time zone keeps the whole object (lossless).
    if (value.value("end", json()).is_null() && value.value("time_zone", json()).is_null()) {
      return value.value("start", json());
    }
    return value;
  }
  if (type == "relation") {
    json ids = json::array();
    if (value.is_array())
      for (const json& r : value)
        if (r.is_object() && r.contains("id")) ids.push_back(r["id"]);
    return ids;
  }
  if (type == "formula") return value.is_object() ? value.value(value.value("type", ""), json()) : json();
  if (type == "unique_id") {
    if (!value.is_object() || !value.value("number", json()).is_number()) return nullptr;
    const std::string number = value["number"].dump();
    const json prefix = value.value("prefix", json());
    return prefix.is_string() && !prefix.get<std::string>().empty() ? prefix.get<std::string>() + "-" + number
                                                                    : number;
  }
  // number, checkbox, url, email, phone_number, people, files, rollup, created_*/last_edited_*, unknown.
  return value;
}

json encode_value(const std::string& type, const json& value, const std::string& field) {
  if (type == "title" || type == "rich_text") {
    if (value.is_null()) return {{type, json::array()}};
    if (!value.is_string()) throw Error("invalid_value", field + ": must be text");
    return {{type, markdown_to_rich_text(value.get<std::string>())}};
  }
  if (type == "number") return {{type, number_of(value, field)}};
  if (type == "checkbox") {
    if (!value.is_null() && !value.is_boolean())
      throw Error("invalid_value", field + ": must be true or false");
    return {{type, value.is_boolean() && value.get<bool>()}};
  }
  if (type == "select" || type == "status") {
    const json name = optional_string(value, field);
    return {{type, name.is_null() ? json() : json{{"name", name}}}};
  }
  if (type == "multi_select") {
    json options = json::array();
    if (!value.is_null() && !value.is_array())
      throw Error("invalid_value", field + ": must be an array of names");
    if (value.is_array())
      for (const json& v : value) {
        if (!v.is_string()) throw Error("invalid_value", field + ": must be an array of names");
        options.push_back({{"name", v}});
      }
    return {{type, options}};
  }
  if (type == "date") return {{type, date_of(value, field)}};
  if (type == "url" || type == "email" || type == "phone_number")
    return {{type, optional_string(value, field)}};
  if (type == "people" || type == "relation") return {{type, id_objects(value, field)}};
  if (type == "files") {
    if (value.is_null()) return {{type, json::array()}};
    if (!value.is_array()) throw Error("invalid_value", field + ": must be an array of Notion file objects");
    return {{type, value}};
  }
  throw Error("read_only", field + ": a Notion " + type + " property cannot be written");
}

}  // namespace scratch::notion

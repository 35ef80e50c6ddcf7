#include "post_values.hpp"

#include <cmath>
#include <set>

#include "field_mapping.hpp"
#include "gmt_dates.hpp"

namespace scratch::wordpress {

using plugin::Error;
using plugin::json;

namespace {

json gmt_field(const json& post, const char* key) {
  const auto it = post.find(key);
  if (it == post.end() || !it->is_string()) return nullptr;
  const auto canonical = gmt_to_canonical(it->get<std::string>());
  return canonical ? json(*canonical) : json(nullptr);
}

// {raw, rendered, ...} -> raw; only `rendered` (a type that never gives raw) -> rendered.
json text_value(const json& value) {
  if (!value.is_object()) return value;
  if (value.contains("raw")) return value["raw"];
  if (value.contains("rendered") && value.size() <= 2) return value["rendered"];
  return value;
}

bool whole_number(const json& v) {
  return v.is_number_integer() || v.is_number_unsigned() ||
         (v.is_number_float() && std::isfinite(v.get<double>()) &&
          std::floor(v.get<double>()) == v.get<double>());
}

// Integers WordPress takes for these keys; the canonical number may be a decimal string.
json integer_value(const std::string& key, const json& value) {
  if (value.is_null()) return 0;  // "none": no author, no featured image, no parent, first in order
  if (whole_number(value))
    return value.is_number_float() ? json(static_cast<long long>(value.get<double>())) : value;
  if (value.is_string()) {
    const std::string s = value.get<std::string>();
    std::size_t used = 0;
    try {
      const long long n = std::stoll(s, &used);
      if (used == s.size()) return n;
    } catch (const std::exception&) {
    }
  }
  throw Error("invalid_value", key + " must be a whole number (it is " + value.dump() + ")");
}

}  // namespace

json post_fields(const json& post) {
  json fields = json::object();
  if (!post.is_object()) return fields;
  for (const auto& [key, value] : post.items()) {
    if (skipped_key(key)) continue;
    if (key == "date" || key == "modified") {
      fields[key] = gmt_field(post, key == "date" ? "date_gmt" : "modified_gmt");
    } else if (key == "guid") {
      fields[key] = value.is_object() ? value.value("raw", value.value("rendered", json())) : value;
    } else {
      fields[key] = text_value(value);
    }
  }
  return fields;
}

json post_record(const json& post) {
  const json id = post.value("id", json());
  return {{"id", id.is_string() ? id : json(id.dump())},
          {"fields", post_fields(post)},
          {"updated_at", gmt_field(post, "modified_gmt")}};
}

json request_body(const json& fields) {
  static const std::set<std::string> read_only = {"id", "modified", "guid", "link", "type"};
  static const std::set<std::string> integers = {"author", "featured_media", "parent", "menu_order"};
  static const std::set<std::string> texts = {"title", "content", "excerpt", "slug", "password", "template"};
  json body = json::object();
  if (!fields.is_object()) return body;
  for (const auto& [key, value] : fields.items()) {
    if (read_only.count(key) || skipped_key(key))
      throw Error("read_only", key + " is set by WordPress and cannot be written");
    if (key == "date") {
      // date_gmt, so the site's timezone cannot shift the value; null lets WordPress pick the time.
      if (value.is_null()) {
        body["date_gmt"] = nullptr;
        continue;
      }
      const auto gmt = value.is_string() ? canonical_to_gmt(value.get<std::string>()) : std::nullopt;
      if (!gmt)
        throw Error("invalid_value",
                    "date must be a datetime such as 2024-05-01T10:00:00Z (it is " + value.dump() + ")");
      body["date_gmt"] = *gmt;
    } else if (integers.count(key)) {
      body[key] = integer_value(key, value);
    } else if (texts.count(key)) {
      if (!value.is_null() && !value.is_string())
        throw Error("invalid_value", key + " must be text (it is " + value.dump() + ")");
      body[key] = value.is_null() ? json("") : value;  // WordPress has no "no title": empty is the same
    } else if (key == "sticky") {
      body[key] = value.is_null() ? json(false) : value;
    } else if (key == "categories" || key == "tags") {
      body[key] = value.is_null() ? json::array() : value;
    } else {
      body[key] = value;  // statuses, meta, custom taxonomies and plugin fields: as given
    }
  }
  return body;
}

}  // namespace scratch::wordpress

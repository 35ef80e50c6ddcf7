#include "post_types.hpp"

#include <algorithm>
#include <scratch/plugin_util.hpp>

#include "field_mapping.hpp"

namespace scratch::wordpress {

using plugin::Error;
using plugin::json;

namespace {

// Types WordPress uses for itself: media need uploads, the others are menus, patterns, templates, styles.
bool internal_type(const std::string& slug) {
  return slug == "attachment" || slug == "nav_menu_item" || slug.rfind("wp_", 0) == 0;
}

}  // namespace

std::vector<PostType> list_post_types(const WordPressApi& api) {
  const ApiResult result = api.get("/types");
  if (!result.ok()) throw call_error(result, "listing the site's post types");
  if (!result.body.is_object())
    throw Error("connection_failed", "WordPress answered /types with something that is not a JSON object",
                true);

  std::vector<PostType> all;
  for (const auto& [slug, type] : result.body.items()) {
    if (!type.is_object()) continue;
    const json base = type.value("rest_base", json());
    const json ns = type.value("rest_namespace", json("wp/v2"));
    if (!base.is_string() || base.get<std::string>().empty() || ns != json("wp/v2")) continue;
    all.push_back({slug, base.get<std::string>(), type.value("name", slug)});
  }
  const auto& wanted = api.settings().post_types;
  std::vector<PostType> out;
  if (wanted.empty()) {
    for (const auto& t : all)
      if (!internal_type(t.slug)) out.push_back(t);
    return out;
  }
  for (const auto& name : wanted) {
    const auto it = std::find_if(all.begin(), all.end(),
                                 [&](const PostType& t) { return t.rest_base == name || t.slug == name; });
    if (it == all.end()) {
      std::string known;
      for (const auto& t : all)
        known += (known.empty() ? "" : ", ") + t.rest_base;
      throw Error("not_found", "config.post_types names \"" + name +
                                   "\", which the site does not expose in its REST API "
                                   "(it has: " +
                                   known + ")");
    }
    if (std::none_of(out.begin(), out.end(), [&](const PostType& t) { return t.slug == it->slug; }))
      out.push_back(*it);
  }
  return out;
}

json describe_table(const WordPressApi& api, const PostType& type) {
  const ApiResult result = api.send("OPTIONS", "/" + plugin::url_encode(type.rest_base));
  if (!result.ok()) throw call_error(result, "reading the schema of " + type.rest_base);
  const json schema = result.body.is_object() ? result.body.value("schema", json()) : json();
  if (!schema.is_object() || !schema.contains("properties") || !schema["properties"].is_object())
    throw Error("connection_failed", "WordPress gave no schema for /" + type.rest_base, true);
  json fields = json::array();
  for (const auto& [key, property] : schema["properties"].items()) {
    if (auto field = map_field(key, property)) fields.push_back(std::move(*field));
  }
  return {{"id", type.rest_base},
          {"name", type.name},
          {"primary_key", json::array({"id"})},
          {"read_only", false},
          {"fields", std::move(fields)}};
}

}  // namespace scratch::wordpress

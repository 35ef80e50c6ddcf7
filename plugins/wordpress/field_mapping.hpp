// A post property of a route's JSON schema as a canonical field (type, read_only, options), and which keys
// of a post object are not fields at all.
#pragma once

#include <optional>
#include <scratch/plugin.hpp>
#include <string>

namespace scratch::wordpress {

// The field for schema property `key`, or nullopt for keys that are not offered (type, date_gmt and
// modified_gmt, which `date` and `modified` carry, permalink_template, generated_slug).
std::optional<plugin::json> map_field(const std::string& key, const plugin::json& property);

// Keys of a post object that are never fields (the same set map_field leaves out, plus links).
bool skipped_key(const std::string& key);

}  // namespace scratch::wordpress

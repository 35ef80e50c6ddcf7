// Wix field types and the canonical types they are offered as.
#pragma once

#include <scratch/plugin.hpp>
#include <string>

namespace scratch::wix {

struct FieldInfo {
  std::string key;       // the item data's key, also the field id in Scratch
  std::string name;      // displayName
  std::string wix_type;  // TEXT, NUMBER, DATETIME, REFERENCE, ...
  std::string type;      // canonical: text, number, datetime, link, json, ...
  bool read_only = false;
};

// A field of a collection (one entry of its `fields`), mapped.
FieldInfo map_field(const plugin::json& field);

// The list_tables form of a field.
plugin::json describe_field(const FieldInfo& field);

}  // namespace scratch::wix

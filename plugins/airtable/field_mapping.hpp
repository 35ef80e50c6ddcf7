// Airtable field types to canonical types: what a field is in Scratch, and whether it can be written.
#pragma once

#include <scratch/plugin.hpp>
#include <string>

namespace scratch::airtable {

struct FieldInfo {
  std::string id;  // fld...
  std::string name;
  std::string airtable_type;  // e.g. "singleLineText", "formula"
  std::string type;           // canonical: text, number, json, ...
  bool read_only = false;
  plugin::json options;  // choice names for selects, else null
};

// Maps a Meta API field object. Computed fields are read-only; formulas and rollups take the type of
// their result; types this connector does not know become read-only json.
FieldInfo map_field(const plugin::json& field);

// The list_tables description of a field.
plugin::json describe_field(const FieldInfo& field);

}  // namespace scratch::airtable

// A Webflow collection as a table: its fields (keyed by slug, as fieldData is) with canonical types, plus
// the item's own system fields.
#pragma once

#include <scratch/plugin.hpp>
#include <string>
#include <utility>
#include <vector>

namespace scratch::webflow {

// Item-level keys exposed as fields. camelCase, so they can never clash with a field slug (always lower
// case). isDraft and isArchived are written at the item's top level; the timestamps and locale are read-only.
inline constexpr const char* kIsDraft = "isDraft";
inline constexpr const char* kIsArchived = "isArchived";
inline constexpr const char* kSystemReadOnly[] = {"createdOn", "lastUpdated", "lastPublished", "cmsLocaleId"};

struct Field {
  std::string slug;       // the field id in records, the key in fieldData
  std::string name;       // displayName
  std::string type;       // Webflow's type, e.g. "Option"
  std::string canonical;  // Scratch's type, e.g. "single_select"
  bool read_only = false;
  std::vector<std::pair<std::string, std::string>> options;  // Option fields: (id, name)
};

struct Collection {
  std::string id;
  std::string name;
  std::vector<Field> fields;
  const Field* find(const std::string& slug) const;
};

// Webflow field type -> canonical type; a type without a lossless mapping (Image, File, User, ...) is json.
std::string canonical_type(const std::string& webflow_type);

// From GET /collections/{id}.
Collection parse_collection(const plugin::json& body);

// The list_tables entry for a collection.
plugin::json describe_table(const Collection& collection);

}  // namespace scratch::webflow

#include "field_types.hpp"

#include <map>

namespace scratch::wix {

using plugin::json;

namespace {

struct Mapping {
  const char* type;
  bool read_only;
};

// Types whose value is a plain string, number or boolean map one to one; arrays and objects that have no
// canonical shape are json (kept whole, so they round-trip). Unknown types are json too.
const std::map<std::string, Mapping>& mappings() {
  static const std::map<std::string, Mapping> m = {
      {"TEXT", {"text", false}},
      {"RICH_TEXT", {"long_text", false}},  // HTML as stored
      {"NUMBER", {"number", false}},
      {"BOOLEAN", {"boolean", false}},
      {"DATE", {"date", false}},          // "YYYY-MM-DD"
      {"DATETIME", {"datetime", false}},  // {"$date": ISO} at Wix
      {"TIME", {"text", false}},          // "HH:mm:ss.sss"
      {"URL", {"url", false}},
      {"IMAGE", {"url", false}},  // a web URL or a wix:image:// Media Manager URL
      {"DOCUMENT", {"url", false}},
      {"VIDEO", {"url", false}},
      {"AUDIO", {"url", false}},
      {"LANGUAGE", {"text", false}},
      {"REFERENCE", {"link", false}},  // one item id, offered as a one-element array
      // Kept apart from the item's data; changed only with Wix's reference endpoints.
      {"MULTI_REFERENCE", {"link", true}},
      {"PAGE_LINK", {"url", true}},  // a dynamic page's address, computed by Wix
      {"ARRAY_STRING", {"json", false}},
      {"ARRAY", {"json", false}},
      {"ARRAY_DOCUMENT", {"json", false}},
      {"MEDIA_GALLERY", {"json", false}},
      {"OBJECT", {"json", false}},
      {"ADDRESS", {"json", false}},
      {"RICH_CONTENT", {"json", false}},
      {"ANY", {"json", false}},
  };
  return m;
}

}  // namespace

FieldInfo map_field(const json& field) {
  FieldInfo info;
  info.key = field.value("key", "");
  info.name = field.value("displayName", info.key);
  if (info.name.empty()) info.name = info.key;
  info.wix_type = field.value("type", "");
  const auto it = mappings().find(info.wix_type);
  info.type = it != mappings().end() ? it->second.type : "json";
  info.read_only = it != mappings().end() && it->second.read_only;
  // _id, _createdDate, _updatedDate, _owner and other system fields are Wix's to set.
  if (field.value("systemField", false) || info.key.rfind('_', 0) == 0) info.read_only = true;
  if (field.value("readOnly", false)) info.read_only = true;
  return info;
}

json describe_field(const FieldInfo& field) {
  return {{"id", field.key}, {"name", field.name}, {"type", field.type}, {"read_only", field.read_only}};
}

}  // namespace scratch::wix

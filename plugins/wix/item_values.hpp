// Field values between Wix's item data and Scratch's canonical encoding, both ways.
#pragma once

#include <scratch/plugin.hpp>
#include <string>

#include "collections.hpp"

namespace scratch::wix {

// An item's data as a record's fields: every field of the schema (absent values as null). Keys Wix stores
// but the schema does not name are left out (and never written, so they stay as they are).
plugin::json canonical_fields(const CollectionInfo& collection, const plugin::json& data);

// One value as Wix stores it for a write. Throws Error (invalid_value) for a value that does not fit the
// field. A null means "no value": the caller removes the field (update) or leaves it out (create).
plugin::json wix_value(const FieldInfo& field, const plugin::json& value);

}  // namespace scratch::wix

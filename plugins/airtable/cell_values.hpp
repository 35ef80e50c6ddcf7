// Cell values between Airtable (cellFormat=json) and the canonical encodings.
#pragma once

#include <scratch/plugin.hpp>

#include "base_schema.hpp"

namespace scratch::airtable {

// Every field of the table from an Airtable `fields` object keyed by field id. Airtable leaves empty cells
// out, so an absent checkbox is false and any other absent field null.
plugin::json canonical_fields(const TableInfo& table, const plugin::json& airtable_fields);

// A canonical value as Airtable takes it in a write (null clears the cell). Values pass through unchanged
// but for numbers sent as decimal strings; `field` is null for a field the schema does not know.
plugin::json airtable_value(const FieldInfo* field, const plugin::json& value);

}  // namespace scratch::airtable

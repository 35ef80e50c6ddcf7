// Items <-> records. Reading: fieldData (by slug) and the item's system keys become a record's fields, with
// option ids shown as names and references as links. Writing: a record's fields become a Webflow item
// body ({fieldData, isDraft?, isArchived?}), option names back to ids.
#pragma once

#include <scratch/plugin.hpp>
#include <string>

#include "schema.hpp"

namespace scratch::webflow {

// A record's fields for an item as Webflow returned it (absent values are null).
plugin::json fields_of(const Collection& collection, const plugin::json& item);

// {"id", "fields", "updated_at"} for the read contract.
plugin::json record_of(const Collection& collection, const plugin::json& item);

// The item body to send for an op's fields (without "id"). Throws Error (unknown_field, read_only,
// invalid_value) for this op alone. For a create without a slug, one is made from the name.
plugin::json item_for_write(const Collection& collection, const plugin::json& fields, bool create);

// "Hello, World!" -> "hello-world": Webflow slugs are lower-case letters, digits and single hyphens.
std::string slugify(const std::string& text);

}  // namespace scratch::webflow

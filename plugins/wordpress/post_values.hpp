// A post object (context=edit) as canonical field values, and edited values as WordPress request
// parameters. Text that WordPress renders (title, content, excerpt) travels in its raw form both ways.
#pragma once

#include <scratch/plugin.hpp>
#include <string>

namespace scratch::wordpress {

// {"id": "12", "fields": {...}, "updated_at": "...Z"} for a post from the API.
plugin::json post_record(const plugin::json& post);

// The canonical values of a post's fields.
plugin::json post_fields(const plugin::json& post);

// The body of a create or update for `fields` (only those given). Throws Error("read_only" /
// "invalid_value") naming the field when a value cannot be sent.
plugin::json request_body(const plugin::json& fields);

}  // namespace scratch::wordpress

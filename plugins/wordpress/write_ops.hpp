// The contract's write for one post type: one request per op (WordPress writes one post per request).
#pragma once

#include <scratch/plugin.hpp>

#include "wp_api.hpp"

namespace scratch::wordpress {

// request: {"table": rest_base, "ops": [...]}. One result per op, in order. Creates are POST /{table} (201),
// updates POST /{table}/{id} with only the given fields, deletes DELETE /{table}/{id} (to the trash, or
// ?force=true with config.delete_mode "force").
plugin::json write_ops(const WordPressApi& api, const plugin::json& request);

}  // namespace scratch::wordpress

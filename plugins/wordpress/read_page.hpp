// One page of a post type's posts, for the contract's read.
#pragma once

#include <scratch/plugin.hpp>

#include "wp_api.hpp"

namespace scratch::wordpress {

// request: {"table": rest_base, "cursor", "page_size"}. Every status but trash (status=any), raw text
// (context=edit), ordered by id so new posts land at the end; `total` from X-WP-Total.
plugin::json read_page(const WordPressApi& api, const plugin::json& request);

}  // namespace scratch::wordpress

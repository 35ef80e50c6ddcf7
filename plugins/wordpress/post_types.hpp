// The site's post types (GET /types) and each one's fields (its route's schema, OPTIONS /{rest_base}): the
// tables list_tables offers.
#pragma once

#include <scratch/plugin.hpp>
#include <string>
#include <vector>

#include "wp_api.hpp"

namespace scratch::wordpress {

struct PostType {
  std::string slug;       // "post", "page", "book"
  std::string rest_base;  // "posts", "pages", "books": the table id
  std::string name;       // "Posts"
};

// The content types to offer: every type with a wp/v2 rest_base except WordPress's own internals
// (attachment, nav_menu_item, wp_*), or those named in config.post_types (by rest_base or slug; an unknown
// name is Error not_found listing what the site has).
std::vector<PostType> list_post_types(const WordPressApi& api);

// One table of the contract's list_tables answer for a post type, from its route's schema.
plugin::json describe_table(const WordPressApi& api, const PostType& type);

}  // namespace scratch::wordpress

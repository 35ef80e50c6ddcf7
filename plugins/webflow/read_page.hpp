// The read contract: one page of a collection's staged items (the CMS view: drafts and published alike).
#pragma once

#include <scratch/plugin.hpp>

#include "schema.hpp"
#include "webflow_api.hpp"

namespace scratch::webflow {

// request: {"table","cursor":string|null,"page_size":int}
// -> {"records":[...],"next_cursor":string|null,"total":n}
// Webflow pages by offset only, so the cursor is the next offset ("o:200"); items are asked for oldest first
// (sortBy=createdOn) so that items created meanwhile land at the end instead of shifting later pages.
plugin::json read_page(const WebflowApi& api, const Collection& collection, const plugin::json& request);

}  // namespace scratch::webflow

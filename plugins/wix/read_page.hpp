// One page of a collection's items.
#pragma once

#include <scratch/plugin.hpp>

#include "collections.hpp"
#include "wix_api.hpp"

namespace scratch::wix {

// Items in _id order, after the cursor's _id (keyset paging: items created or removed meanwhile never shift
// the rest); the first page also carries Wix's total count.
plugin::json read_page(const WixApi& api, const CollectionInfo& collection, const plugin::json& request);

}  // namespace scratch::wix

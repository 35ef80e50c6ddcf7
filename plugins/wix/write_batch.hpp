// A write call: creates, partial updates and deletes through Wix's bulk endpoints.
#pragma once

#include <scratch/plugin.hpp>

#include "collections.hpp"
#include "wix_api.hpp"

namespace scratch::wix {

// One result per op, in order. Creates go to bulk insert, updates to bulk patch (SET_FIELD / REMOVE_FIELD
// for exactly the fields given: never the replace-all update, which would drop the fields not sent), deletes
// to bulk remove; at most kMaxBulkItems per request. Throws a call-level Error only while nothing was
// applied.
plugin::json write_batch(const WixApi& api, plugin::Host& host, const CollectionInfo& collection,
                         const plugin::json& ops);

}  // namespace scratch::wix

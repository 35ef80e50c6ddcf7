// The write contract on Webflow's bulk item endpoints: the batch's creates go in one POST, its updates in
// one PATCH (only the fields given) and its deletes in one DELETE with a JSON body, each at most 100 items;
// through the /live endpoints when the account publishes live.
#pragma once

#include <scratch/plugin.hpp>

#include "schema.hpp"
#include "webflow_api.hpp"

namespace scratch::webflow {

// ops: the write request's ops. Returns {"results": [...]}, one per op in order.
//
// Failures, by what may have happened at Webflow:
// - an op our own checks refuse (unknown field, bad value) fails alone and is not sent;
// - a request refused as a whole (400 validation_error, 404, 409, 401, 429) applied nothing: while nothing
//   else in this call was applied, that is a call-level Error, so the host retries each op alone and only
//   the bad record fails;
// - a 5xx or lost answer to a create may mean Webflow created the items: those creates fail with
//   "outcome_unknown" (never retried blindly: it would duplicate them);
// - a 5xx or lost answer to an update or delete fails those ops as retryable (sending them again is safe);
// - deleting an item that is gone fails that op with "not_found".
plugin::json write_batch(const WebflowApi& api, const Collection& collection, const plugin::json& ops);

}  // namespace scratch::webflow

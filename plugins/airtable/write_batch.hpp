// A write call: creates (POST), partial updates (PATCH, which merges) and deletes (DELETE ?records[]=),
// sent in requests of at most 10 records, one result per op in order.
#pragma once

#include <scratch/plugin.hpp>

#include "airtable_api.hpp"
#include "base_schema.hpp"

namespace scratch::airtable {

// Airtable validates a request whole: one bad record refuses all of it and nothing is applied. Such a
// refusal of a request of several ops, before anything else of the call was applied, is thrown as the
// call's error (the host then retries each op alone, so only the bad one fails). A 5xx or a lost answer
// to a create request gives its ops "outcome_unknown" (the records may exist now: never resend blindly);
// to an update or delete, a retryable error (resending them is safe).
plugin::json write_batch(const AirtableApi& api, plugin::Host& host, const TableInfo& table,
                         const plugin::json& ops);

}  // namespace scratch::airtable

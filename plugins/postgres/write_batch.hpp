// The write contract: a batch of create/update/delete ops applied in one transaction.
#pragma once

#include <nlohmann/json.hpp>
#include <scratch/plugin.hpp>

#include "catalog.hpp"
#include "connection.hpp"

namespace scratch::postgres {

// ops: [{"op":"create"|"update"|"delete","ref","id","fields"}]
// -> {"results":[{"ref","ok":true,"id","fields"} |
// {"ref","ok":false,"error":{"code","message","retryable"}}]} An op that fails (constraint, bad value,
// missing row) fails alone; the others commit together. Throws scratch::plugin::Error when the batch as a
// whole cannot run or commit, and then nothing was written.
nlohmann::json write_batch(Connection& conn, const Table& table, const nlohmann::json& ops,
                           const plugin::Host& host);

}  // namespace scratch::postgres

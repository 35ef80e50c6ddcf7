// The Lua connector contract in machine-readable form: JSON Schemas of what each contract function returns,
// the globals a script sees, and the limit defaults. Served by GET /api/v1/custom-connectors/contract, and
// used by the runner to tell a builder exactly which part of a result is malformed.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace scratch::connectors {

// {"spec": ..., "check": ..., "list_tables": ..., "read": ..., "write": ...}: JSON Schema (draft 7) objects.
const nlohmann::json& lua_result_schemas();
// The contract functions, in the order `test` runs them, and which ones are required.
const nlohmann::json& lua_contract_functions();  // [{"name", "required": "always"|"when writing", "args"}]
// [{"name": "json.encode", "description": ...}, ...]
const nlohmann::json& lua_globals();

}  // namespace scratch::connectors

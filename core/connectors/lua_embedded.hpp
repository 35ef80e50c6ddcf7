// What the build embeds for Lua connectors (cmake/embed_lua.cmake): the helper modules scripts may
// `require` (scripts-lua/lib/*.lua) and the contract prose served by GET /api/v1/custom-connectors/contract.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace scratch::connectors {

// (module name, Lua source), sorted by name.
const std::vector<std::pair<std::string, std::string>>& embedded_lua_modules();
// docs/lua-contract.md as built.
const std::string& lua_contract_prose();

}  // namespace scratch::connectors

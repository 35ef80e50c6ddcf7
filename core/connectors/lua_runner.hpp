// Lua connectors inside the connector-runner process. Untrusted scripts never run in scratchd itself: a
// pattern match that never returns (C code the count hook cannot see) must only cost a runner, which the
// pool kills at the call's deadline.
//
// A Lua request (host -> runner, framed like plugin calls):
//   {"id": n, "lua": {"script", "name", "limits", "address_policy", "requests_per_second"},
//    "op": "spec"|"validate"|"test"|"check"|"list_tables"|"read"|"write", "call": {...}}
// and its reply, like a plugin's plus "logs" (the lines the script logged) and, on failure, "diagnostic"
// (kind, limit, line, column, traceback, function: where in the script it went wrong):
//   {"id": n, "ok": true, "result": ..., "logs": [...]}
//   {"id": n, "ok": false, "error": {code, message, retryable}, "logs": [...], "diagnostic": {...}}
#pragma once

#include <nlohmann/json.hpp>

namespace scratch::net {
class HttpClient;
}

namespace scratch::connectors {

class LuaWatchdog;

// Runs one Lua request with a fresh sandbox; never throws. The reply has no "id" (the caller adds it).
// With a watchdog, a call stuck in C code past its wall limit ends the process after the watchdog sends
// the request's reply with that call's time limit error (see lua_watchdog.hpp).
nlohmann::json run_lua_request(const nlohmann::json& request, const net::HttpClient& http,
                               LuaWatchdog* watchdog = nullptr);

}  // namespace scratch::connectors

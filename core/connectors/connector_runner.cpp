// Messages (JSON, framed by runner_protocol):
//   runner -> host, once at start: {"type":"hello","plugins":[{name,version,abi_version,path,spec}],
//                                   "rejected":[{path,reason}]}
//   host -> runner: {"id":n,"connector":"csv","op":"read","call":{config,credentials,context,request}}
//   runner -> host: {"id":n,"ok":true,"result":{...}} or {"id":n,"ok":false,"error":{code,message,retryable}}
//   host -> runner, a Lua connector: {"id":n,"lua":{script,name,limits,address_policy},"op":..,"call":{...}}
//     answered the same way plus "logs" and, on failure, "diagnostic" (see lua_runner.hpp)
#include "connectors/connector_runner.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <map>

#include "connectors/host_services.hpp"
#include "connectors/lua_runner.hpp"
#include "connectors/lua_watchdog.hpp"
#include "connectors/plugin_loader.hpp"
#include "connectors/runner_protocol.hpp"
#include "net/http_client.hpp"

namespace scratch::connectors {
namespace {

using nlohmann::json;

json plugin_json(const PluginInfo& info) {
  return {{"name", info.name},
          {"version", info.version},
          {"abi_version", info.abi_version},
          {"path", info.path},
          {"spec", info.spec}};
}

json error_json(const std::string& code, const std::string& message, bool retryable) {
  return {{"code", code}, {"message", message}, {"retryable", retryable}};
}

// The reply envelope; on success with valid JSON the result text itself goes to *raw_result instead.
json invoke(const LoadedPlugin& plugin, const std::string& op, const json& call, net::HttpClient& http,
            std::string* raw_result) {
  const auto& api = plugin.api();
  using Fn = int (*)(const ScratchHost*, const char*, char**);
  static const std::map<std::string, Fn ScratchConnectorApi::*> ops = {
      {"check", &ScratchConnectorApi::check},
      {"list_tables", &ScratchConnectorApi::list_tables},
      {"read", &ScratchConnectorApi::read},
      {"write", &ScratchConnectorApi::write}};
  const auto it = ops.find(op);
  if (it == ops.end())
    return {{"ok", false}, {"error", error_json("unknown_op", "no contract function " + op, false)}};
  const double rps = plugin.info().spec["limits"].value("requests_per_second", 0.0);
  const std::string account = call.contains("context") ? call["context"].value("account_id", "") : "";
  HostServices host(http, plugin.info().name, account, rps);
  char* out = nullptr;
  const std::string input = call.dump(-1, ' ', false, json::error_handler_t::replace);
  const int rc = (api.*(it->second))(host.abi(), input.c_str(), &out);
  json parsed;
  bool parsed_ok = false;
  if (out) {
    if (rc == SCRATCH_OK && json::accept(out)) {
      // Valid JSON is passed on as the plugin wrote it: no second parse and dump of a (large) read page here.
      *raw_result = out;
      api.free_string(out);
      return {{"ok", true}};
    }
    parsed = json::parse(out, nullptr, false);
    parsed_ok = !parsed.is_discarded();
    api.free_string(out);
  }
  if (!parsed_ok) {
    return {{"ok", false},
            {"error", error_json("plugin_protocol", plugin.info().name + "." + op + " returned no valid JSON",
                                 false)}};
  }
  if (rc == SCRATCH_OK) return {{"ok", true}, {"result", parsed}};
  if (!parsed.is_object() || !parsed.contains("message")) {
    parsed = error_json("plugin_error", parsed.dump(), false);
  }
  return {{"ok", false}, {"error", parsed}};
}

}  // namespace

int run_connector_runner(const std::vector<std::filesystem::path>& plugin_dirs) {
  // Die with the supervisor, and keep stray prints of plugins away from the protocol pipes.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  ::dup2(STDERR_FILENO, STDOUT_FILENO);
  ::signal(SIGPIPE, SIG_IGN);

  const LoadReport report = load_plugins(plugin_dirs);
  json hello = {{"type", "hello"}, {"plugins", json::array()}, {"rejected", json::array()}};
  std::map<std::string, std::shared_ptr<LoadedPlugin>> plugins;
  for (const auto& p : report.loaded) {
    hello["plugins"].push_back(plugin_json(p->info()));
    plugins[p->info().name] = p;
  }
  for (const auto& r : report.rejected)
    hello["rejected"].push_back({{"path", r.path}, {"reason", r.reason}});
  if (!write_frame(kRunnerResponseFd, hello.dump(-1, ' ', false, json::error_handler_t::replace))) return 1;

  net::HttpClient http;
  LuaWatchdog watchdog([](const std::string& text) { write_frame(kRunnerResponseFd, text); });
  std::string frame;
  while (read_frame(kRunnerRequestFd, frame) == ReadStatus::ok) {
    json reply;
    std::string raw_result;
    json request = json::parse(frame, nullptr, false);
    if (request.is_discarded() || !request.is_object()) {
      reply = {{"ok", false},
               {"error", error_json("runner_protocol", "request is not a JSON object", false)}};
    } else {
      reply = [&]() -> json {
        // A Lua connector: a fresh sandbox per request, here in the runner and never in scratchd.
        if (request.contains("lua")) return run_lua_request(request, http, &watchdog);
        const std::string name = request.value("connector", "");
        const auto it = plugins.find(name);
        if (it == plugins.end()) {
          return {{"ok", false},
                  {"error", error_json("unknown_connector", "no connector named " + name, false)}};
        }
        return invoke(*it->second, request.value("op", ""), request.value("call", json::object()), http,
                      &raw_result);
      }();
      reply["id"] = request.value("id", 0);
    }
    std::string text = reply.dump(-1, ' ', false, json::error_handler_t::replace);
    if (!raw_result.empty()) {  // {"id":..,"ok":true} + "result": the plugin's own text
      text.pop_back();
      text += ",\"result\":" + raw_result + "}";
    }
    if (!write_frame(kRunnerResponseFd, text)) break;
  }
  return 0;
}

}  // namespace scratch::connectors

#include "connectors/lua_runner.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <functional>
#include <optional>
#include <set>

#include "connectors/json_schema.hpp"
#include "connectors/lua_contract.hpp"
#include "connectors/lua_embedded.hpp"
#include "connectors/lua_watchdog.hpp"
#include "connectors/plugin_loader.hpp"
#include "lua/sandbox.hpp"
#include "net/address_policy.hpp"
#include "net/http_client.hpp"

namespace scratch::connectors {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// How long past the wall limit a call may run before the watchdog ends the runner (the hook stops normal
// Lua code at the limit itself).
constexpr std::chrono::milliseconds kWatchdogGrace{1000};

const std::vector<std::string> kContractFunctions = {"spec", "check", "list_tables", "read", "write"};

lua::Limits limits_from(const json& j) {
  lua::Limits l;
  if (!j.is_object()) return l;
  l.memory_bytes = j.value("memory_bytes", l.memory_bytes);
  l.instructions = j.value("instructions", l.instructions);
  l.wall = std::chrono::milliseconds(j.value("wall_ms", static_cast<long long>(l.wall.count())));
  l.http_calls = j.value("http_calls", l.http_calls);
  l.http_bytes = j.value("http_bytes", l.http_bytes);
  l.log_bytes = j.value("log_bytes", l.log_bytes);
  return l;
}

net::AddressPolicy policy_from(const json& j) {
  net::AddressPolicy p;
  if (!j.is_object()) return p;  // the default: public addresses only
  p.allow_private = j.value("allow_private", false);
  if (j.contains("allowed_hosts") && j["allowed_hosts"].is_array()) {
    for (const auto& h : j["allowed_hosts"]) {
      if (h.is_string()) p.allowed_hosts.push_back(h.get<std::string>());
    }
  }
  return p;
}

json error_json(const std::string& code, const std::string& message, bool retryable = false) {
  return {{"code", code}, {"message", message}, {"retryable", retryable}};
}

std::string type_name(const json& v) {
  if (v.is_object()) return "a table";
  if (v.is_array()) return "an array";
  if (v.is_null()) return "nil";
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  return "a number";
}

// Lua cannot tell an empty array from an empty object: a script's `records = {}` arrives as {}. Where the
// contract wants an array, an empty object is that empty array.
void fix_empty_array(json& parent, const char* key) {
  if (parent.is_object() && parent.contains(key) && parent[key].is_object() && parent[key].empty())
    parent[key] = json::array();
}

void normalize_result(const std::string& function, json& value) {
  if (!value.is_object()) return;
  if (function == "spec") {
    fix_empty_array(value, "capabilities");
  } else if (function == "list_tables") {
    fix_empty_array(value, "tables");
    if (value.contains("tables") && value["tables"].is_array()) {
      for (auto& t : value["tables"]) {
        fix_empty_array(t, "fields");
        fix_empty_array(t, "primary_key");
        if (t.is_object() && t.contains("fields") && t["fields"].is_array()) {
          for (auto& f : t["fields"])
            fix_empty_array(f, "options");
        }
      }
    }
  } else if (function == "read") {
    fix_empty_array(value, "records");
    if (value.contains("records") && value["records"].is_array()) {
      for (auto& r : value["records"]) {
        if (r.is_object() && r.contains("fields") && r["fields"].is_array() && r["fields"].empty())
          r["fields"] = json::object();  // {} read back as [] by json.decode stays an object here
      }
    }
  } else if (function == "write") {
    fix_empty_array(value, "results");
  }
}

// A result that does not have the contract's shape: the first few violations, each naming the JSON path.
std::optional<std::string> shape_problem(const std::string& function, const json& value) {
  if (function == "spec") return spec_problem(value);
  const auto& schemas = lua_result_schemas();
  if (!schemas.contains(function)) return std::nullopt;
  const auto violations = validate_against(schemas[function], value);
  if (violations.empty()) return std::nullopt;
  std::string out = function + "() returned a result that does not match the contract:";
  std::size_t shown = 0;
  for (const auto& v : violations) {
    if (++shown > 5) {
      out += " (and " + std::to_string(violations.size() - 5) + " more)";
      break;
    }
    out += " " + (v.path.empty() ? std::string("/") : v.path) + ": " + v.message + ";";
  }
  if (out.back() == ';') out.pop_back();
  return out;
}

// The field a spec_problem() message names ("spec.limits.max_page_size must be ..." -> that path).
std::string spec_field(const std::string& message) {
  if (message.rfind("spec.", 0) != 0) return "spec";
  const auto end = message.find(' ');
  return message.substr(0, end);
}

// The contract promises `cursor` nil on the first page: a JSON null would arrive as the truthy json.null.
json without_nulls(json request) {
  if (!request.is_object()) return request;
  for (auto it = request.begin(); it != request.end();) {
    if (it->is_null())
      it = request.erase(it);
    else
      ++it;
  }
  return request;
}

json logs_json(const std::vector<lua::LogLine>& logs, std::size_t from) {
  json out = json::array();
  for (std::size_t i = from; i < logs.size(); ++i)
    out.push_back({{"level", logs[i].level}, {"message", logs[i].message}, {"line", logs[i].line}});
  return out;
}

// One request: a fresh sandbox, the script loaded, and the calls made on it.
class LuaRun {
 public:
  LuaRun(const json& lua, const net::HttpClient& http, std::string rate_key, LuaWatchdog* watchdog)
      : watchdog_(watchdog),
        name_(lua.value("name", "custom")),
        script_(lua.value("script", "")),
        limits_(limits_from(lua.value("limits", json::object()))),
        policy_(policy_from(lua.value("address_policy", json::object()))),
        rate_key_(std::move(rate_key)),
        requests_per_second_(lua.value("requests_per_second", 0.0)),
        http_(http),
        sandbox_(limits_, [this](const json& request) { return send(request); }) {}

  // Offers the helper modules to require(), then loads the script; the script's load error.
  std::optional<lua::RunError> load() {
    for (const auto& [module, source] : embedded_lua_modules())
      sandbox_.add_module(module, source);
    arm("");
    auto e = sandbox_.load(script_, "connector.lua");
    disarm();
    return e;
  }

  std::string global_type(const std::string& name) { return sandbox_.global_type(name); }

  // The spec's rate applies to the requests that follow (test and validate learn it from spec()).
  void set_rate(double requests_per_second) {
    if (requests_per_second_ <= 0 && requests_per_second > 0 && std::isfinite(requests_per_second))
      requests_per_second_ = requests_per_second;
  }

  struct Outcome {
    std::optional<json> value;
    std::optional<lua::RunError> failure;  // where the script failed
    json error;                            // {code, message, retryable} when it failed
    double duration_ms = 0;
    json logs = json::array();  // the lines logged during this call
  };
  // What to answer if a call gets stuck past its deadline: the request's reply with this call's outcome
  // (a time limit error) in its place. Built by the operation (validate, test...) from what it has so far.
  using StuckReply = std::function<json(const std::string& function, const Outcome& out)>;

  void on_stuck(StuckReply reply) { stuck_reply_ = std::move(reply); }
  void set_reply_id(json id) { reply_id_ = std::move(id); }

  // Calls a contract function; checks that it exists and returns a table.
  Outcome call(const std::string& function, const std::vector<json>& args) {
    Outcome out;
    const std::size_t first_log = sandbox_.logs().size();
    const std::string type = sandbox_.global_type(function);
    if (type != "function") {
      lua::RunError e;
      e.kind = "contract";
      e.function = function;
      e.message = type == "nil" ? "the script defines no function " + function
                                : function + " must be a function, not a " + type;
      fail(out, e);
      return out;
    }
    arm(function);
    auto result = sandbox_.call(function, args);
    disarm();
    out.duration_ms = result.duration_ms;
    if (result.error) {
      if (result.error->function.empty()) result.error->function = function;
      fail(out, *result.error);
    } else {
      json value = result.value ? std::move(*result.value) : json(nullptr);
      if (!value.is_object()) {
        lua::RunError e;
        e.kind = "contract";
        e.function = function;
        e.message = function + "() must return a table, but returned " + type_name(value);
        fail(out, e);
      } else {
        normalize_result(function, value);
        out.value = std::move(value);
      }
    }
    out.logs = logs_json(sandbox_.logs(), first_log);
    forward_logs(first_log);
    return out;
  }

  const std::string& name() const { return name_; }

 private:
  // The count hook stops a call at the wall limit; the watchdog, a moment later, stops one stuck in C.
  void arm(const std::string& function) {
    if (!watchdog_ || !stuck_reply_) return;
    lua::RunError e;
    e.kind = "limit";
    e.limit = "time";
    e.function = function;
    e.message = (function.empty() ? std::string("the script's top level") : function + "()") +
                " ran past its " + std::to_string(limits_.wall.count()) +
                " ms wall-clock limit inside one library call (a pattern match or string operation on a "
                "large input?); the run was stopped";
    Outcome out;
    fail(out, e);
    json reply = stuck_reply_(function, out);
    reply["id"] = reply_id_;
    watchdog_->arm(Clock::now() + limits_.wall + kWatchdogGrace, std::move(reply));
  }
  void disarm() {
    if (watchdog_) watchdog_->disarm();
  }

  void fail(Outcome& out, const lua::RunError& e) {
    out.failure = e;
    if (e.kind == "limit") {
      out.error = error_json("limit_exceeded", "the script exceeded its " + e.limit + " limit" +
                                                   (e.message.empty() ? "" : ": " + e.message));
      return;
    }
    std::string where = e.line > 0 ? "line " + std::to_string(e.line) + ": " : "";
    if (e.kind == "runtime" && e.code_source == "host") {
      // An http.request failure the script did not catch keeps the host's code (address_refused...).
      out.error = error_json(e.code, where + e.message, e.retryable);
      return;
    }
    if (e.kind == "runtime" && e.code_source == "script") {
      // error({code=, message=, retryable=}) is the call's own error, as a plugin would return it. Codes
      // the host sets must mean what they say: a script cannot pass its error off as a limit, a refused
      // address or a crashed runner.
      static const std::set<std::string> reserved = {
          "limit_exceeded",        "address_refused",  "connector_timeout", "connector_crashed",
          "connector_unavailable", "plugin_protocol",  "unknown_connector", "quota_exceeded",
          "script_error",          "script_host_error"};
      if (reserved.count(e.code))
        out.error =
            error_json("script_error", "the script raised the reserved code " + e.code + ": " + e.message);
      else
        out.error = error_json(e.code, e.message, e.retryable);
      return;
    }
    out.error = error_json(e.kind == "host" ? "script_host_error" : "script_error", where + e.message);
  }

  void forward_logs(std::size_t from) {
    const auto& logs = sandbox_.logs();
    for (std::size_t i = from; i < logs.size(); ++i) {
      const auto level = logs[i].level == "error"  ? spdlog::level::err
                         : logs[i].level == "warn" ? spdlog::level::warn
                                                   : spdlog::level::info;
      spdlog::log(level, "[lua:{}] line {}: {}", name_, logs[i].line, logs[i].message);
    }
  }

  // The script's http.request, through the core's client: its retries, rate limit per account, logging and
  // the operator's address policy (loopback, private and metadata addresses refused unless allowed).
  json send(const json& req) {
    net::HttpRequest request;
    std::string method = req.value("method", "GET");
    std::transform(method.begin(), method.end(), method.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    request.method = method;
    request.url = req.value("url", "");
    if (req.contains("body") && !req["body"].is_null())
      request.body = req["body"].is_string() ? req["body"].get<std::string>() : req["body"].dump();
    long long timeout_ms = req.value("timeout_ms", 30000LL);
    timeout_ms = std::clamp<long long>(timeout_ms, 1, std::max<long long>(1, limits_.wall.count()));
    request.timeout = std::chrono::milliseconds(timeout_ms);
    if (req.contains("headers") && req["headers"].is_object()) {
      for (const auto& [k, v] : req["headers"].items()) {
        if (v.is_string())
          request.headers.emplace_back(k, v.get<std::string>());
        else if (v.is_number() || v.is_boolean())
          request.headers.emplace_back(k, v.dump());
      }
    }
    net::CallContext context;
    context.log_tag = "lua:" + name_;
    context.rate_key = rate_key_;
    context.requests_per_second = requests_per_second_;
    context.address_policy = &policy_;
    const auto outcome = http_.send(request, context);
    if (!outcome.response) {
      const auto& e = *outcome.error;
      throw lua::HostError(e.code, e.message, e.retryable);
    }
    json headers = json::object();
    for (const auto& [k, v] : outcome.response->headers) {
      if (headers.contains(k))
        headers[k] = headers[k].get<std::string>() + ", " + v;
      else
        headers[k] = v;
    }
    return {{"status", outcome.response->status}, {"headers", headers}, {"body", outcome.response->body}};
  }

  LuaWatchdog* watchdog_;
  StuckReply stuck_reply_;
  json reply_id_ = 0;
  std::string name_;
  std::string script_;
  lua::Limits limits_;
  net::AddressPolicy policy_;
  std::string rate_key_;
  double requests_per_second_;
  const net::HttpClient& http_;
  lua::Sandbox sandbox_;  // last: its HTTP function uses the members above
};

json diagnostic(const lua::RunError& e) {
  json d = e.to_json();
  return d;
}

json failure_reply(const LuaRun::Outcome& out) {
  json reply = {{"ok", false}, {"error", out.error}, {"logs", out.logs}};
  if (out.failure) reply["diagnostic"] = diagnostic(*out.failure);
  return reply;
}

json load_failure_reply(const lua::RunError& e) {
  json reply = {{"ok", false}, {"logs", json::array()}, {"diagnostic", diagnostic(e)}};
  if (e.kind == "limit") {
    reply["error"] =
        error_json("limit_exceeded", "the script exceeded its " + e.limit + " limit while loading");
  } else {
    const std::string where = e.line > 0 ? "line " + std::to_string(e.line) + ": " : "";
    reply["error"] = error_json("script_error", where + e.message);
  }
  return reply;
}

// One entry of a validation report.
json validation_error(const lua::RunError& e) {
  json out = {{"kind", e.kind},
              {"message", e.message},
              {"line", e.line},
              {"column", e.column},
              {"function", e.function}};
  if (!e.limit.empty()) out["limit"] = e.limit;
  if (!e.traceback.empty()) out["traceback"] = e.traceback;
  return out;
}

json spec_error(const std::string& message) {
  return {{"kind", "spec"}, {"message", message}, {"line", 0},
          {"column", 0},    {"function", "spec"}, {"field", spec_field(message)}};
}

bool can_write(const json& spec) {
  if (!spec.contains("capabilities") || !spec["capabilities"].is_array()) return false;
  for (const auto& c : spec["capabilities"]) {
    if (c == "create" || c == "update" || c == "delete") return true;
  }
  return false;
}

// {"valid", "errors", "spec", "functions"}: everything a builder needs to fix the script in one go.
json validate(LuaRun& run) {
  json errors = json::array();
  json functions = json::object();
  json spec = nullptr;
  run.on_stuck([&](const std::string&, const LuaRun::Outcome& out) {
    json so_far = errors;
    so_far.push_back(validation_error(*out.failure));
    return json{
        {"ok", true},
        {"result", {{"valid", false}, {"errors", so_far}, {"spec", nullptr}, {"functions", functions}}},
        {"logs", json::array()}};
  });
  if (auto e = run.load()) {
    errors.push_back(validation_error(*e));
    for (const auto& f : kContractFunctions)
      functions[f] = e->kind == "syntax" ? "nil" : run.global_type(f);
    return {{"valid", false}, {"errors", errors}, {"spec", nullptr}, {"functions", functions}};
  }
  for (const auto& f : kContractFunctions) {
    const std::string type = run.global_type(f);
    functions[f] = type;
    if (f != "write" && type != "function") {
      lua::RunError e;
      e.kind = "contract";
      e.function = f;
      e.message = type == "nil" ? "the script defines no function " + f + " (required)"
                                : f + " must be a function, not a " + type;
      errors.push_back(validation_error(e));
    }
  }
  if (functions["spec"] == "function") {
    auto out = run.call("spec", {});
    if (out.failure) {
      errors.push_back(validation_error(*out.failure));
    } else if (auto problem = spec_problem(*out.value)) {
      errors.push_back(spec_error(*problem));
    } else {
      spec = *out.value;
      if (can_write(spec) && functions["write"] != "function") {
        lua::RunError e;
        e.kind = "contract";
        e.function = "write";
        e.message = functions["write"] == "nil"
                        ? "spec.capabilities include writing, but the script defines no function write"
                        : "write must be a function, not a " + functions["write"].get<std::string>();
        errors.push_back(validation_error(e));
      }
    }
  }
  const bool valid = errors.empty();
  return {
      {"valid", valid}, {"errors", errors}, {"spec", valid ? spec : json(nullptr)}, {"functions", functions}};
}

// The first few elements of an array member, and how many there were.
json truncated(const json& value, const char* key, std::size_t keep = 3) {
  json out = value;
  if (value.contains(key) && value[key].is_array()) {
    const auto& all = value[key];
    out[key] = json::array();
    for (std::size_t i = 0; i < std::min(keep, all.size()); ++i)
      out[key].push_back(all[i]);
    out[std::string(key) + "_count"] = all.size();
  }
  return out;
}

json step_json(const std::string& name, const LuaRun::Outcome& out, const json& sample) {
  json step = {{"name", name}, {"duration_ms", out.duration_ms}, {"logs", out.logs}};
  if (out.failure || out.error.is_object()) {
    step["status"] = "error";
    json error = out.error.is_object() ? out.error : error_json("script_error", "the call failed");
    if (out.failure) {
      error["kind"] = out.failure->kind;
      error["line"] = out.failure->line;
      error["column"] = out.failure->column;
      error["traceback"] = out.failure->traceback;
      error["function"] = out.failure->function.empty() ? name : out.failure->function;
      if (!out.failure->limit.empty()) error["limit"] = out.failure->limit;
    }
    step["error"] = error;
    step["sample"] = nullptr;
  } else {
    step["status"] = "ok";
    step["sample"] = sample;
  }
  return step;
}

json skipped(const std::string& name, const std::string& reason) {
  return {{"name", name},          {"status", "skipped"}, {"duration_ms", 0},
          {"logs", json::array()}, {"sample", nullptr},   {"reason", reason}};
}

// Every contract step after `function`, skipped for `reason`.
void skip_after(json& steps, const std::string& function, const std::string& reason) {
  bool after = false;
  for (const auto& f : kContractFunctions) {
    if (after) steps.push_back(skipped(f, reason));
    if (f == function) after = true;
  }
}

// A result that breaks the contract's shape is that step's error (the call itself worked).
void check_shape(const std::string& function, LuaRun::Outcome& out) {
  if (!out.value) return;
  if (auto problem = shape_problem(function, *out.value)) {
    out.error = error_json(function == "spec" ? "invalid_spec" : "invalid_result", *problem);
    if (function == "spec") out.error["field"] = spec_field(*problem);
  }
}

// {"ok", "steps": [spec, check, list_tables, read, write]}: each with status, duration, sample, logs, error.
json test(LuaRun& run, const json& call) {
  const json config = call.value("config", json::object());
  const json credentials = call.value("credentials", json::object());
  json steps = json::array();
  bool ok = true;
  auto finish = [&](const std::string& from, const std::string& reason) {
    bool after = false;
    for (const auto& f : kContractFunctions) {
      if (f == from) after = true;
      if (after) steps.push_back(skipped(f, reason));
    }
  };
  run.on_stuck([&](const std::string& function, const LuaRun::Outcome& out) {
    json so_far = steps;
    const std::string step = function.empty() ? "spec" : function;
    so_far.push_back(step_json(step, out, nullptr));
    skip_after(so_far, step, "a limit ended the script");
    return json{{"ok", true}, {"result", {{"ok", false}, {"steps", so_far}}}, {"logs", json::array()}};
  });
  if (auto e = run.load()) {
    LuaRun::Outcome out;
    out.failure = *e;
    out.error = load_failure_reply(*e)["error"];
    steps.push_back(step_json("spec", out, nullptr));
    finish("check", "the script did not load");
    return {{"ok", false}, {"steps", steps}};
  }
  auto limit_hit = [](const LuaRun::Outcome& out) { return out.failure && out.failure->kind == "limit"; };

  auto spec_out = run.call("spec", {});
  check_shape("spec", spec_out);
  const bool spec_ok = !spec_out.error.is_object();
  steps.push_back(step_json("spec", spec_out, spec_ok ? *spec_out.value : json(nullptr)));
  ok = ok && spec_ok;
  if (limit_hit(spec_out)) {
    finish("check", "a limit ended the script");
    return {{"ok", false}, {"steps", steps}};
  }
  json spec = spec_ok ? *spec_out.value : json::object();
  if (spec_ok) run.set_rate(spec["limits"].value("requests_per_second", 0.0));
  if (spec_ok) {
    // The settings an account would be refused for, before the script sees them.
    std::string problems;
    for (const auto& [key, doc] : {std::pair<const char*, const json*>{"config", &config},
                                   std::pair<const char*, const json*>{"credentials", &credentials}}) {
      for (const auto& v : validate_against(spec.value(std::string(key) + "_schema", json::object()), *doc))
        problems += (problems.empty() ? "" : "; ") + std::string(key) + (v.path == "/" ? "" : v.path) + ": " +
                    v.message;
    }
    if (!problems.empty()) {
      LuaRun::Outcome out;
      out.error =
          error_json("validation_failed", "the settings do not match the spec's schemas: " + problems);
      steps.push_back(step_json("check", out, nullptr));
      finish("list_tables", "the settings do not match the spec");
      return {{"ok", false}, {"steps", steps}};
    }
  }

  auto check_out = run.call("check", {config, credentials});
  check_shape("check", check_out);
  steps.push_back(step_json("check", check_out, check_out.value ? *check_out.value : json(nullptr)));
  ok = ok && !check_out.error.is_object();
  if (limit_hit(check_out)) {
    finish("list_tables", "a limit ended the script");
    return {{"ok", false}, {"steps", steps}};
  }

  auto tables_out = run.call("list_tables", {config, credentials});
  check_shape("list_tables", tables_out);
  const bool tables_ok = !tables_out.error.is_object();
  steps.push_back(
      step_json("list_tables", tables_out, tables_ok ? truncated(*tables_out.value, "tables") : json()));
  ok = ok && tables_ok;
  if (limit_hit(tables_out)) {
    finish("read", "a limit ended the script");
    return {{"ok", false}, {"steps", steps}};
  }

  std::string table = call.value("table", "");
  if (table.empty() && tables_ok && !(*tables_out.value)["tables"].empty())
    table = (*tables_out.value)["tables"][0].value("id", "");
  if (table.empty()) {
    steps.push_back(
        skipped("read", "no table to read: name one with \"table\" or return one from list_tables"));
  } else {
    double page_size = 100;
    if (spec.contains("limits") && spec["limits"].is_object()) {
      const double max = spec["limits"].value("max_page_size", 0.0);
      if (max > 0) page_size = std::min(page_size, max);
    }
    const json request = {{"table", table}, {"cursor", nullptr}, {"page_size", static_cast<int>(page_size)}};
    auto read_out = run.call("read", {config, credentials, without_nulls(request)});
    check_shape("read", read_out);
    const bool read_ok = !read_out.error.is_object();
    json sample = read_ok ? truncated(*read_out.value, "records") : json();
    if (read_ok) sample["table"] = table;
    steps.push_back(step_json("read", read_out, sample));
    ok = ok && read_ok;
    if (limit_hit(read_out)) {
      finish("write", "a limit ended the script");
      return {{"ok", false}, {"steps", steps}};
    }
  }

  if (!call.contains("write") || !call["write"].is_object()) {
    steps.push_back(skipped("write", "not asked: pass \"write\": {\"table\", \"ops\"} to run it"));
  } else {
    const json& w = call["write"];
    const json request = {{"table", w.value("table", table)}, {"ops", w.value("ops", json::array())}};
    auto write_out = run.call("write", {config, credentials, request});
    check_shape("write", write_out);
    const bool write_ok = !write_out.error.is_object();
    steps.push_back(
        step_json("write", write_out, write_ok ? truncated(*write_out.value, "results") : json()));
    ok = ok && write_ok;
  }
  return {{"ok", ok}, {"steps", steps}};
}

json run(const json& request, const net::HttpClient& http, LuaWatchdog* watchdog) {
  const json& lua = request["lua"];
  const std::string op = request.value("op", "");
  const json call = request.value("call", json::object());
  std::string rate_key;
  if (call.contains("context") && call["context"].is_object())
    rate_key = call["context"].value("account_id", "");
  if (rate_key.empty()) rate_key = "lua-builder:" + lua.value("name", "custom");
  LuaRun run(lua, http, rate_key, watchdog);
  run.set_reply_id(request.value("id", json(0)));
  run.on_stuck([](const std::string&, const LuaRun::Outcome& out) { return failure_reply(out); });

  if (op == "validate") return {{"ok", true}, {"result", validate(run)}, {"logs", json::array()}};
  if (op == "test") return {{"ok", true}, {"result", test(run, call)}, {"logs", json::array()}};
  if (op != "spec" && op != "check" && op != "list_tables" && op != "read" && op != "write")
    return {{"ok", false}, {"error", error_json("unknown_op", "no contract function " + op)}};

  if (auto e = run.load()) return load_failure_reply(*e);
  std::vector<json> args;
  if (op != "spec") {
    args = {call.value("config", json::object()), call.value("credentials", json::object())};
    if (op == "read" || op == "write") args.push_back(without_nulls(call.value("request", json::object())));
  }
  auto out = run.call(op, args);
  if (out.error.is_object()) return failure_reply(out);
  return {{"ok", true}, {"result", std::move(*out.value)}, {"logs", out.logs}};
}

}  // namespace

json run_lua_request(const json& request, const net::HttpClient& http, LuaWatchdog* watchdog) {
  try {
    if (!request.contains("lua") || !request["lua"].is_object() || !request["lua"].contains("script") ||
        !request["lua"]["script"].is_string()) {
      return {{"ok", false}, {"error", error_json("runner_protocol", "a Lua request needs lua.script")}};
    }
    return run(request, http, watchdog);
  } catch (const std::exception& e) {
    // The sandbox reports script failures as values; this is the host failing (e.g. out of memory here).
    return {{"ok", false}, {"error", error_json("script_host_error", e.what())}};
  }
}

}  // namespace scratch::connectors

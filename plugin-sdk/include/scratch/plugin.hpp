// Scratch connector SDK, C++ layer: write a connector as an ordinary C++ class.
//
// Header-only and compiled by the plugin's own compiler, so no C++ ABI is shared with the host: only the C
// structs of plugin_abi.h cross. Needs nlohmann/json (https://github.com/nlohmann/json, >= 3.10).
//
//   class MyConnector : public scratch::plugin::Connector {
//     json check(Host& host, const Call& call) override { ... }
//     json list_tables(Host& host, const Call& call) override { ... }
//     json read(Host& host, const Call& call) override { ... }
//     json write(Host& host, const Call& call) override { ... }
//   };
//   SCRATCH_EXPORT_CONNECTOR(MyConnector, "my-source", "1.0.0", R"({"display_name": "My source", ...})")
//
// Throw scratch::plugin::Error(code, message, retryable) for a failure the user should see; any other
// exception becomes code "plugin_error". Nothing escapes into the host.
#pragma once

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <utility>

#include "scratch/plugin_abi.h"

namespace scratch::plugin {

using json = nlohmann::json;

// A failure with a stable code the host passes on (e.g. "auth_failed", "not_found", "rate_limited").
class Error : public std::runtime_error {
 public:
  Error(std::string code, const std::string& message, bool retryable = false)
      : std::runtime_error(message), code_(std::move(code)), retryable_(retryable) {}
  const std::string& code() const { return code_; }
  bool retryable() const { return retryable_; }

 private:
  std::string code_;
  bool retryable_;
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::map<std::string, std::string> headers;
  std::string body;
  long timeout_ms = 30000;
  // Since SDK 1.1 (older hosts ignore them). The rate, in requests per second, this account's requests are
  // held to from now on, in place of the spec's limits.requests_per_second (0: keep the spec's): for
  // services whose limit depends on the customer's plan, read from the account's config.
  double requests_per_second = 0;
  // How long to wait after a 429 that carries no Retry-After, before trying again (0: the host's own
  // backoff). Airtable documents a 30-second penalty and sends no header.
  long retry_after_429_ms = 0;
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  json json_body() const { return json::parse(body); }
};

// The host's services for the current call.
class Host {
 public:
  explicit Host(const ScratchHost* host) : host_(host) {}

  // Through the host's HTTP client (retries, rate limit, logging). Throws Error when no response came.
  HttpResponse http(const HttpRequest& request) const {
    if (!provides(offsetof(ScratchHost, http)) || !host_->http) {
      throw Error("unsupported", "this host offers no HTTP client");
    }
    json req = {{"method", request.method},
                {"url", request.url},
                {"headers", request.headers},
                {"body", request.body},
                {"timeout_ms", request.timeout_ms}};
    if (request.requests_per_second > 0) req["requests_per_second"] = request.requests_per_second;
    if (request.retry_after_429_ms > 0) req["retry_after_429_ms"] = request.retry_after_429_ms;
    char* raw = nullptr;
    const int rc =
        host_->http(host_->context, req.dump(-1, ' ', false, json::error_handler_t::replace).c_str(), &raw);
    json reply = raw ? json::parse(raw, nullptr, false) : json();
    release(raw);
    // Read the reply defensively: a malformed one must become an Error, not a json::type_error.
    if (!reply.is_object()) reply = json::object();
    if (rc != SCRATCH_OK) {
      throw Error(string_or(reply, "code", "http_failed"), string_or(reply, "message", "HTTP request failed"),
                  reply.contains("retryable") && reply["retryable"].is_boolean()
                      ? reply["retryable"].get<bool>()
                      : true);
    }
    if (!reply.contains("status") || !reply["status"].is_number_integer()) {
      throw Error("http_failed", "the host returned an HTTP response without a status", true);
    }
    HttpResponse out;
    out.status = reply["status"].get<int>();
    out.body = string_or(reply, "body", "");
    if (reply.contains("headers") && reply["headers"].is_object()) {
      for (const auto& [k, v] : reply["headers"].items()) {
        if (v.is_string()) out.headers[lower(k)] = v.get<std::string>();
      }
    }
    return out;
  }

  void log(int level, const std::string& message) const {
    if (provides(offsetof(ScratchHost, log)) && host_->log)
      host_->log(host_->context, level, message.c_str());
  }
  void debug(const std::string& m) const { log(SCRATCH_LOG_DEBUG, m); }
  void info(const std::string& m) const { log(SCRATCH_LOG_INFO, m); }
  void warn(const std::string& m) const { log(SCRATCH_LOG_WARN, m); }
  void error(const std::string& m) const { log(SCRATCH_LOG_ERROR, m); }

  bool cancelled() const {
    return provides(offsetof(ScratchHost, cancelled)) && host_->cancelled &&
           host_->cancelled(host_->context) != 0;
  }
  // Throws Error("cancelled") when the host asked the call to stop; call it between pages or batches.
  void throw_if_cancelled() const {
    if (cancelled()) throw Error("cancelled", "the call was cancelled", true);
  }

 private:
  // The ABI's struct_size rule: a host function exists only if it lies within the size the host declared
  // (every function pointer has the same size, so the offset plus one pointer is enough).
  bool provides(std::size_t offset) const {
    return host_ && offset + sizeof(void (*)()) <= host_->struct_size;
  }
  void release(char* text) const {
    if (text && provides(offsetof(ScratchHost, free_string)) && host_->free_string) {
      host_->free_string(host_->context, text);
    }
  }
  static std::string string_or(const json& object, const char* key, const char* fallback) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string(fallback);
  }
  static std::string lower(std::string text) {
    for (char& c : text)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  }

  const ScratchHost* host_;
};

// One contract call's input: the account's config and credentials (already validated against the
// spec's schemas), host-provided context (account_id, files_dir) and the operation's request.
struct Call {
  json config = json::object();
  json credentials = json::object();
  json context = json::object();
  json request = json::object();
};

class Connector {
 public:
  virtual ~Connector() = default;
  virtual json check(Host& host, const Call& call) = 0;
  virtual json list_tables(Host& host, const Call& call) = 0;
  virtual json read(Host& host, const Call& call) = 0;
  virtual json write(Host& host, const Call& call) = 0;
};

namespace detail {

// Plugin results are malloc'd so the exported free_string can release them with std::free.
inline char* copy_out(const char* text, std::size_t size) noexcept {
  char* out = static_cast<char*>(std::malloc(size + 1));
  if (out) {
    std::memcpy(out, text, size);
    out[size] = '\0';
  }
  return out;
}

inline char* copy_out(const std::string& text) noexcept {
  return copy_out(text.c_str(), text.size());
}

// Never throws: it runs inside catch handlers of a noexcept function, where an escaping exception would be
// std::terminate. If even the JSON cannot be built (out of memory), a fixed error text is returned.
inline int error_out(char** out, const std::string& code, const std::string& message,
                     bool retryable) noexcept {
  try {
    // dump() with replacement so a non-UTF-8 message cannot throw here.
    *out = copy_out(json{{"code", code}, {"message", message}, {"retryable", retryable}}.dump(
        -1, ' ', false, json::error_handler_t::replace));
  } catch (...) {
    static const char kFallback[] =
        R"({"code":"plugin_error","message":"the plugin could not report its error","retryable":false})";
    *out = copy_out(kFallback, sizeof(kFallback) - 1);
  }
  return SCRATCH_ERROR;
}

// The exception barrier every exported function goes through. On return *out is the plugin's JSON text,
// or NULL only when memory ran out.
template <typename Fn>
int guarded(const ScratchHost* host, const char* call_json, char** out, Fn&& fn) noexcept {
  if (!out) return SCRATCH_ERROR;
  *out = nullptr;
  try {
    Host h(host);
    json input = json::parse(call_json ? call_json : "{}", nullptr, false);
    if (!input.is_object()) return error_out(out, "invalid_request", "the call JSON is not an object", false);
    Call call;
    if (input.contains("config")) call.config = std::move(input["config"]);
    if (input.contains("credentials")) call.credentials = std::move(input["credentials"]);
    if (input.contains("context")) call.context = std::move(input["context"]);
    if (input.contains("request")) call.request = std::move(input["request"]);
    const json result = fn(h, call);
    *out = copy_out(result.dump(-1, ' ', false, json::error_handler_t::replace));
    return *out ? SCRATCH_OK : error_out(out, "plugin_error", "out of memory", true);
  } catch (const Error& e) {
    return error_out(out, e.code(), e.what(), e.retryable());
  } catch (const std::exception& e) {
    return error_out(out, "plugin_error", e.what(), false);
  } catch (...) {
    return error_out(out, "plugin_error", "the plugin threw a non-standard exception", false);
  }
}

}  // namespace detail
}  // namespace scratch::plugin

#if defined(_WIN32)
#define SCRATCH_PLUGIN_EXPORT __declspec(dllexport)
#else
#define SCRATCH_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

// Exports ConnectorClass as this library's connector. Use once per plugin, at namespace scope.
// NAME: connector type ([a-z][a-z0-9_-]*); VERSION: the plugin's version; SPEC_JSON: its spec as JSON text.
#define SCRATCH_EXPORT_CONNECTOR(ConnectorClass, NAME, VERSION, SPEC_JSON)                                  \
  namespace {                                                                                               \
  ::scratch::plugin::Connector& scratch_plugin_instance() {                                                 \
    static ConnectorClass instance;                                                                         \
    return instance;                                                                                        \
  }                                                                                                         \
  int scratch_plugin_check(const ScratchHost* h, const char* c, char** o) {                                 \
    return ::scratch::plugin::detail::guarded(                                                              \
        h, c, o, [](auto& host, const auto& call) { return scratch_plugin_instance().check(host, call); }); \
  }                                                                                                         \
  int scratch_plugin_list_tables(const ScratchHost* h, const char* c, char** o) {                           \
    return ::scratch::plugin::detail::guarded(h, c, o, [](auto& host, const auto& call) {                   \
      return scratch_plugin_instance().list_tables(host, call);                                             \
    });                                                                                                     \
  }                                                                                                         \
  int scratch_plugin_read(const ScratchHost* h, const char* c, char** o) {                                  \
    return ::scratch::plugin::detail::guarded(                                                              \
        h, c, o, [](auto& host, const auto& call) { return scratch_plugin_instance().read(host, call); });  \
  }                                                                                                         \
  int scratch_plugin_write(const ScratchHost* h, const char* c, char** o) {                                 \
    return ::scratch::plugin::detail::guarded(                                                              \
        h, c, o, [](auto& host, const auto& call) { return scratch_plugin_instance().write(host, call); }); \
  }                                                                                                         \
  void scratch_plugin_free(char* text) {                                                                    \
    std::free(text);                                                                                        \
  }                                                                                                         \
  const ScratchConnectorApi scratch_plugin_api = {sizeof(ScratchConnectorApi), scratch_plugin_check,        \
                                                  scratch_plugin_list_tables,  scratch_plugin_read,         \
                                                  scratch_plugin_write,        scratch_plugin_free};        \
  const ScratchPluginDescriptor scratch_plugin_descriptor = {sizeof(ScratchPluginDescriptor),               \
                                                             SCRATCH_PLUGIN_ABI_VERSION,                    \
                                                             NAME,                                          \
                                                             VERSION,                                       \
                                                             SPEC_JSON,                                     \
                                                             &scratch_plugin_api};                          \
  }                                                                                                         \
  extern "C" SCRATCH_PLUGIN_EXPORT const ScratchPluginDescriptor* scratch_plugin_entry(uint32_t) {          \
    return &scratch_plugin_descriptor;                                                                      \
  }

#include "connectors/host_services.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

#include "net/http_client.hpp"

namespace scratch::connectors {
namespace {

char* copy_out(const std::string& text) {
  char* out = static_cast<char*>(std::malloc(text.size() + 1));
  if (out) std::memcpy(out, text.c_str(), text.size() + 1);
  return out;
}

std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

HostServices::HostServices(net::HttpClient& http, std::string plugin_name, std::string rate_key,
                           double requests_per_second)
    : http_(http),
      plugin_name_(std::move(plugin_name)),
      rate_key_(std::move(rate_key)),
      requests_per_second_(requests_per_second) {
  host_.struct_size = sizeof(ScratchHost);
  host_.abi_version = SCRATCH_PLUGIN_ABI_VERSION;
  host_.context = this;
  host_.http = &HostServices::http;
  host_.log = &HostServices::log;
  host_.cancelled = &HostServices::cancelled;
  host_.free_string = &HostServices::free_string;
}

int HostServices::http(void* context, const char* request_json, char** response_json) {
  auto* self = static_cast<HostServices*>(context);
  try {
    const auto req = nlohmann::json::parse(request_json ? request_json : "");
    net::HttpRequest request;
    request.method = req.value("method", "GET");
    request.url = req.value("url", "");
    request.body = req.value("body", "");
    request.timeout = std::chrono::milliseconds(req.value("timeout_ms", 30000));
    if (req.contains("headers") && req["headers"].is_object()) {
      for (const auto& [k, v] : req["headers"].items()) {
        if (v.is_string()) request.headers.emplace_back(k, v.get<std::string>());
      }
    }
    net::CallContext call;
    call.log_tag = "plugin:" + self->plugin_name_;
    call.rate_key = self->rate_key_;
    // A plugin may set its account's rate (a plan-dependent limit read from its config) and the penalty wait
    // after a bare 429; both only ever shape how this account's own requests are spaced.
    const double asked_rate = req.value("requests_per_second", 0.0);
    call.requests_per_second =
        asked_rate > 0 && std::isfinite(asked_rate) ? asked_rate : self->requests_per_second_;
    const long long penalty_ms = req.value("retry_after_429_ms", 0LL);
    if (penalty_ms > 0) call.retry_after_429 = std::chrono::milliseconds(std::min(penalty_ms, 600000LL));
    const auto outcome = self->http_.send(request, call);
    if (outcome.response) {
      nlohmann::json headers = nlohmann::json::object();
      for (const auto& [k, v] : outcome.response->headers)
        headers[k] = v;
      *response_json = copy_out(dump(
          {{"status", outcome.response->status}, {"headers", headers}, {"body", outcome.response->body}}));
      return SCRATCH_OK;
    }
    const auto& e = *outcome.error;
    *response_json = copy_out(dump({{"code", e.code}, {"message", e.message}, {"retryable", e.retryable}}));
  } catch (const std::exception& e) {
    *response_json =
        copy_out(dump({{"code", "invalid_request"}, {"message", e.what()}, {"retryable", false}}));
  }
  return SCRATCH_ERROR;
}

void HostServices::log(void* context, int level, const char* message) {
  auto* self = static_cast<HostServices*>(context);
  const auto lvl = level <= SCRATCH_LOG_DEBUG  ? spdlog::level::debug
                   : level == SCRATCH_LOG_INFO ? spdlog::level::info
                   : level == SCRATCH_LOG_WARN ? spdlog::level::warn
                                               : spdlog::level::err;
  spdlog::log(lvl, "[plugin:{}] {}", self->plugin_name_, message ? message : "");
}

int HostServices::cancelled(void*) {
  // Deadlines are enforced by the supervisor, which kills the runner; cooperative cancel comes with jobs.
  return 0;
}

void HostServices::free_string(void*, char* text) {
  std::free(text);
}

}  // namespace scratch::connectors

// The request pipeline, independent of the HTTP library: request id, routing (404/405), body limit (413),
// the handler, error translation to problem+json, metrics and the access log. Also tracks in-flight
// requests so shutdown can drain them.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <vector>

#include "http/metrics.hpp"
#include "http/problem.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "http/router.hpp"

namespace scratch::http {

// Turns an exception from a lower layer (e.g. "database unreachable") into an ApiError, or declines.
using ExceptionMapper = std::function<std::optional<ApiError>(const std::exception&)>;

class Dispatcher {
 public:
  struct Options {
    std::size_t max_body_bytes = 1 << 20;
  };
  Dispatcher(const Router& router, Metrics& metrics, Options options);

  void add_exception_mapper(ExceptionMapper mapper) { mappers_.push_back(std::move(mapper)); }
  // Asked for a request no route matches before answering 404 (the web console's files).
  void set_fallback(std::function<std::optional<Response>(const Request&)> fallback) {
    fallback_ = std::move(fallback);
  }

  // `request` arrives with method, path, query, body, headers and client address filled in.
  // The response always carries X-Request-Id; an error response is always problem+json.
  Response handle(Request& request);

  // After this, new requests get 503 shutting_down; in-flight ones finish.
  void begin_drain() { draining_ = true; }
  bool draining() const { return draining_; }
  // Waits until no request is in flight or the deadline passes; true when idle.
  bool wait_idle(std::chrono::steady_clock::time_point deadline) const;

 private:
  Response route_and_run(Request& request);
  Response problem_response(const ApiError& error, const Request& request) const;

  const Router& router_;
  Metrics& metrics_;
  Options options_;
  std::vector<ExceptionMapper> mappers_;
  std::function<std::optional<Response>(const Request&)> fallback_;
  std::atomic<bool> draining_{false};
  std::atomic<int> in_flight_{0};
};

// A client-supplied X-Request-Id is kept when it is short and plain; otherwise we make one.
std::string choose_request_id(const std::optional<std::string>& supplied);

}  // namespace scratch::http

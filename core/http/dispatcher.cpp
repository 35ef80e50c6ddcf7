#include "http/dispatcher.hpp"

#include <spdlog/spdlog.h>

#include <thread>

#include "crypto/encoding.hpp"
#include "crypto/random.hpp"

namespace scratch::http {
namespace {

struct InFlight {
  explicit InFlight(std::atomic<int>& n) : n_(n) { ++n_; }
  ~InFlight() { --n_; }
  std::atomic<int>& n_;
};

}  // namespace

std::string choose_request_id(const std::optional<std::string>& supplied) {
  if (supplied && !supplied->empty() && supplied->size() <= 64) {
    const bool plain = std::all_of(supplied->begin(), supplied->end(), [](unsigned char c) {
      return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':';
    });
    if (plain) return *supplied;
  }
  return crypto::hex_encode(crypto::random_bytes(12));
}

Dispatcher::Dispatcher(const Router& router, Metrics& metrics, Options options)
    : router_(router), metrics_(metrics), options_(options) {}

bool Dispatcher::wait_idle(std::chrono::steady_clock::time_point deadline) const {
  while (in_flight_.load() > 0) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

Response Dispatcher::problem_response(const ApiError& error, const Request& request) const {
  Response response =
      Response::text(error.status(), problem_body(error, request.path, request.request_id).dump(),
                     "application/problem+json");
  response.headers = error.headers();
  return response;
}

Response Dispatcher::handle(Request& request) {
  InFlight guard(in_flight_);
  const auto started = std::chrono::steady_clock::now();
  request.request_id = choose_request_id(request.header("X-Request-Id"));

  Response response;
  if (draining_) {
    response = problem_response(ApiError(503, "shutting_down", "Server shutting down",
                                         "this instance is draining; retry against another or shortly")
                                    .with_header("Retry-After", "1")
                                    .with_header("Connection", "close"),
                                request);
  } else {
    response = route_and_run(request);
  }
  response.headers.emplace_back("X-Request-Id", request.request_id);

  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const std::string route = request.route.empty() ? "unmatched" : request.route;
  metrics_.observe_request(request.method, route, response.status, seconds);
  spdlog::get("access")->info("{} {} route={} status={} duration_ms={:.2f} bytes={} client={} request_id={}",
                              request.method, request.path, route, response.status, seconds * 1000.0,
                              response.body.size(), request.client_address, request.request_id);
  return response;
}

Response Dispatcher::route_and_run(Request& request) {
  const RouteMatch match = router_.match(request.method, request.path);
  if (!match.route) {
    if (!match.allowed_methods.empty()) {
      std::string allow;
      for (const auto& m : match.allowed_methods)
        allow += (allow.empty() ? "" : ", ") + m;
      return problem_response(
          ApiError(405, "method_not_allowed", "Method not allowed",
                   request.method + " is not supported on " + request.path + "; use " + allow)
              .with_header("Allow", allow),
          request);
    }
    if (fallback_) {
      if (auto served = fallback_(request)) {
        request.route = "static";
        return std::move(*served);
      }
    }
    return problem_response(ApiError(404, "route_not_found", "No such route",
                                     "no route matches " + request.method + " " + request.path),
                            request);
  }
  request.route = match.route->path;
  request.path_params = match.params;
  const std::size_t limit =
      match.route->doc.max_body_bytes ? match.route->doc.max_body_bytes : options_.max_body_bytes;
  if (request.body.size() > limit) {
    return problem_response(ApiError(413, "payload_too_large", "Request body too large",
                                     "the body is " + std::to_string(request.body.size()) +
                                         " bytes; the limit is " + std::to_string(limit))
                                .with("limit_bytes", limit),
                            request);
  }
  try {
    return match.route->handler(request);
  } catch (const ApiError& e) {
    return problem_response(e, request);
  } catch (const std::exception& e) {
    for (const auto& mapper : mappers_) {
      if (auto mapped = mapper(e)) {
        spdlog::warn("request {} {} failed: {} (request_id={})", request.method, request.path, e.what(),
                     request.request_id);
        return problem_response(*mapped, request);
      }
    }
    spdlog::error("unhandled error in {} {}: {} (request_id={})", request.method, request.route, e.what(),
                  request.request_id);
  } catch (...) {
    spdlog::error("unhandled non-standard exception in {} {} (request_id={})", request.method, request.route,
                  request.request_id);
  }
  return problem_response(
      ApiError(500, "internal_error", "Internal server error",
               "the server failed to handle this request; quote request_id when reporting it"),
      request);
}

}  // namespace scratch::http

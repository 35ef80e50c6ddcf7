#include "http/problem.hpp"

namespace scratch::http {

ApiError::ApiError(int status, std::string code, std::string title, std::string detail)
    : std::runtime_error(code + ": " + (detail.empty() ? title : detail)),
      status_(status),
      code_(std::move(code)),
      title_(std::move(title)),
      detail_(std::move(detail)) {}

ApiError& ApiError::with(const std::string& key, nlohmann::json value) {
  extra_[key] = std::move(value);
  return *this;
}

ApiError& ApiError::with_header(std::string name, std::string value) {
  headers_.emplace_back(std::move(name), std::move(value));
  return *this;
}

nlohmann::json problem_body(const ApiError& error, const std::string& instance,
                            const std::string& request_id) {
  nlohmann::json body = {
      {"type", "urn:scratch:problem:" + error.code()},
      {"title", error.title()},
      {"status", error.status()},
      {"code", error.code()},
      {"instance", instance},
      {"request_id", request_id},
  };
  if (!error.detail().empty()) body["detail"] = error.detail();
  for (const auto& [key, value] : error.extra().items())
    body[key] = value;
  return body;
}

namespace errors {

ApiError not_found(const std::string& what) {
  return ApiError(404, "not_found", "Not found", what + " was not found");
}

ApiError unauthorized(const std::string& detail) {
  return ApiError(401, "unauthorized", "Authentication required", detail)
      .with_header("WWW-Authenticate", "Bearer realm=\"scratch\"");
}

ApiError forbidden(const std::string& detail) {
  return ApiError(403, "forbidden", "Forbidden", detail);
}

ApiError validation(const std::string& field, const std::string& message) {
  return ApiError(422, "validation_failed", "Request body failed validation", field + ": " + message)
      .with("errors", nlohmann::json::array({{{"field", field}, {"message", message}}}));
}

ApiError database_unavailable() {
  return ApiError(503, "database_unavailable", "Database unavailable",
                  "the database cannot be reached right now; retry shortly")
      .with_header("Retry-After", "5");
}

}  // namespace errors
}  // namespace scratch::http

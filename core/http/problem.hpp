// Errors at the HTTP edge: handlers throw ApiError; the dispatcher renders it as RFC 9457
// application/problem+json with a stable machine-readable `code`.
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace scratch::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

class ApiError : public std::runtime_error {
 public:
  // code: stable snake_case identifier clients switch on; title: short, human, stable per code;
  // detail: this occurrence, naming the offending field or value.
  ApiError(int status, std::string code, std::string title, std::string detail = {});

  int status() const { return status_; }
  const std::string& code() const { return code_; }
  const std::string& title() const { return title_; }
  const std::string& detail() const { return detail_; }
  const nlohmann::json& extra() const { return extra_; }
  const HeaderList& headers() const { return headers_; }

  // Extra members merged into the problem body (e.g. "errors" for field validation).
  ApiError& with(const std::string& key, nlohmann::json value);
  ApiError& with_header(std::string name, std::string value);

 private:
  int status_;
  std::string code_;
  std::string title_;
  std::string detail_;
  nlohmann::json extra_ = nlohmann::json::object();
  HeaderList headers_;
};

// The problem+json body for an error on the given request path.
nlohmann::json problem_body(const ApiError& error, const std::string& instance,
                            const std::string& request_id);

// Common errors, so the same situation always carries the same code and title.
namespace errors {
ApiError not_found(const std::string& what);
ApiError unauthorized(const std::string& detail);
ApiError forbidden(const std::string& detail);
ApiError validation(const std::string& field, const std::string& message);
ApiError database_unavailable();
}  // namespace errors

}  // namespace scratch::http

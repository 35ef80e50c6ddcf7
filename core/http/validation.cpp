#include "http/validation.hpp"

#include <algorithm>
#include <cstring>

#include "http/problem.hpp"

namespace scratch::http {

void FieldReader::fail(const std::string& name, const std::string& message) {
  errors_.push_back({{"field", name}, {"message", message}});
}

std::optional<std::string> FieldReader::optional_string(const std::string& name, std::size_t min_len,
                                                        std::size_t max_len) {
  auto it = object_.find(name);
  if (it == object_.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) {
    fail(name, "must be a string");
    return std::nullopt;
  }
  const auto& value = it->get_ref<const std::string&>();
  if (value.size() < min_len) {
    fail(name, min_len == 1 ? "must not be empty" : "must be at least " + std::to_string(min_len) + " bytes");
    return std::nullopt;
  }
  if (value.size() > max_len) {
    fail(name, "must be at most " + std::to_string(max_len) + " bytes");
    return std::nullopt;
  }
  return value;
}

std::string FieldReader::required_string(const std::string& name, std::size_t min_len, std::size_t max_len) {
  if (!object_.contains(name) || object_[name].is_null()) {
    fail(name, "is required");
    return {};
  }
  return optional_string(name, min_len, max_len).value_or("");
}

std::optional<long long> FieldReader::optional_integer(const std::string& name, long long min,
                                                       long long max) {
  auto it = object_.find(name);
  if (it == object_.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer()) {
    fail(name, "must be an integer");
    return std::nullopt;
  }
  const long long value = it->get<long long>();
  if (value < min || value > max) {
    fail(name, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return value;
}

void FieldReader::allow_only(std::initializer_list<const char*> names) {
  for (const auto& [key, value] : object_.items()) {
    const bool known = std::any_of(names.begin(), names.end(), [&k = key](const char* n) { return k == n; });
    if (!known) fail(key, "is not a known field");
  }
}

void FieldReader::finish() const {
  if (errors_.empty()) return;
  std::string detail;
  for (const auto& e : errors_) {
    if (!detail.empty()) detail += "; ";
    detail += e["field"].get<std::string>() + " " + e["message"].get<std::string>();
  }
  throw ApiError(422, "validation_failed", "Request body failed validation", detail).with("errors", errors_);
}

}  // namespace scratch::http

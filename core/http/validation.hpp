// Reads typed fields out of a JSON request object, collecting every problem so the client sees all of
// them at once (422 validation_failed with an `errors` list naming each field).
#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace scratch::http {

class FieldReader {
 public:
  explicit FieldReader(const nlohmann::json& object) : object_(object) {}

  // Strings are measured in bytes; min/max bound their length.
  std::string required_string(const std::string& name, std::size_t min_len, std::size_t max_len);
  std::optional<std::string> optional_string(const std::string& name, std::size_t min_len,
                                             std::size_t max_len);
  std::optional<long long> optional_integer(const std::string& name, long long min, long long max);
  // Any member not listed is an error: a typo in a field name should not be silently ignored.
  void allow_only(std::initializer_list<const char*> names);
  void fail(const std::string& name, const std::string& message);
  // Throws ApiError 422 if any field failed.
  void finish() const;

 private:
  const nlohmann::json& object_;
  nlohmann::json errors_ = nlohmann::json::array();
};

}  // namespace scratch::http

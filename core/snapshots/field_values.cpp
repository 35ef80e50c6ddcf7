#include "snapshots/field_values.hpp"

#include <regex>

#include "http/problem.hpp"

namespace scratch::snapshots {
namespace {

using nlohmann::json;

bool is_date(const std::string& s) {
  static const std::regex re(R"(^\d{4}-\d{2}-\d{2}$)");
  return std::regex_match(s, re);
}

bool is_datetime(const std::string& s) {
  static const std::regex re(R"(^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$)");
  return std::regex_match(s, re);
}

bool is_decimal(const std::string& s) {
  static const std::regex re(R"(^-?\d+(\.\d+)?([eE][+-]?\d+)?$)");
  return std::regex_match(s, re);
}

bool all_strings(const json& v) {
  if (!v.is_array()) return false;
  for (const auto& e : v)
    if (!e.is_string()) return false;
  return true;
}

bool in_options(const json& field, const std::string& value) {
  if (!field.contains("options") || !field["options"].is_array() || field["options"].empty()) return true;
  for (const auto& o : field["options"])
    if (o.is_string() && o.get<std::string>() == value) return true;
  return false;
}

}  // namespace

std::string value_problem(const json& field, const json& value) {
  if (value.is_null()) return "";
  const std::string type = field.value("type", "json");
  if (type == "text" || type == "long_text" || type == "url" || type == "email") {
    if (!value.is_string()) return "must be a string";
    if (type == "text" && value.get<std::string>().find('\n') != std::string::npos)
      return "must be one line (use a long_text field for several)";
    return "";
  }
  if (type == "number") {
    if (value.is_number()) return "";
    if (value.is_string() && is_decimal(value.get<std::string>())) return "";
    return "must be a number";
  }
  if (type == "boolean") return value.is_boolean() ? "" : "must be true or false";
  if (type == "date") return value.is_string() && is_date(value) ? "" : "must be a date YYYY-MM-DD";
  if (type == "datetime")
    return value.is_string() && is_datetime(value) ? "" : "must be an ISO 8601 date-time";
  if (type == "single_select") {
    if (!value.is_string()) return "must be a string";
    return in_options(field, value) ? "" : "must be one of the field's options";
  }
  if (type == "multi_select") {
    if (!all_strings(value)) return "must be an array of strings";
    for (const auto& v : value)
      if (!in_options(field, v)) return "'" + v.get<std::string>() + "' is not one of the field's options";
    return "";
  }
  if (type == "link") return all_strings(value) ? "" : "must be an array of record ids";
  if (type == "attachment") {
    if (!value.is_array()) return "must be an array of {url, filename}";
    for (const auto& a : value)
      if (!a.is_object() || !a.contains("url") || !a["url"].is_string()) return "each attachment needs a url";
    return "";
  }
  return "";  // json: anything
}

void validate_values(const TableInfo& table, const json& values, const std::string& where) {
  if (!values.is_object()) {
    throw http::errors::validation(where, "must be an object of field id to value");
  }
  json errors = json::array();
  std::string code = "invalid_value";
  for (const auto& [k, v] : values.items()) {
    const json* field = table.field(k);
    if (!field) {
      errors.push_back({{"field", k}, {"code", "unknown_field"}, {"message", "the table has no such field"}});
      code = "unknown_field";
      continue;
    }
    if (!table.writable(k)) {
      errors.push_back({{"field", k}, {"code", "read_only_field"}, {"message", "the field is read-only"}});
      if (code != "unknown_field") code = "read_only_field";
      continue;
    }
    const std::string problem = value_problem(*field, v);
    if (!problem.empty()) errors.push_back({{"field", k}, {"code", "invalid_value"}, {"message", problem}});
  }
  if (errors.empty()) return;
  std::string detail;
  for (const auto& e : errors) {
    detail +=
        (detail.empty() ? "" : "; ") + e["field"].get<std::string>() + ": " + e["message"].get<std::string>();
  }
  throw http::ApiError(422, code, "Invalid field values", detail).with("errors", errors);
}

}  // namespace scratch::snapshots

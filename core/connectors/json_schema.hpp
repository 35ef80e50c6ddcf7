// JSON Schema checks (draft 7, via valijson) for connector specs and account settings.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace scratch::connectors {

struct SchemaViolation {
  std::string path;  // JSON pointer into the document, e.g. "/delimiter"
  std::string message;
};

// nullopt when `schema` is a usable JSON Schema object, else why not.
std::optional<std::string> schema_problem(const nlohmann::json& schema);

// Every way `document` fails `schema` (empty when it conforms). `schema` must pass schema_problem().
std::vector<SchemaViolation> validate_against(const nlohmann::json& schema, const nlohmann::json& document);

}  // namespace scratch::connectors

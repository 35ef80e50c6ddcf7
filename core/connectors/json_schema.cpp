#include "connectors/json_schema.hpp"

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

namespace scratch::connectors {
namespace {

void parse(const nlohmann::json& schema_json, valijson::Schema& schema) {
  valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
  valijson::adapters::NlohmannJsonAdapter adapter(schema_json);
  parser.populateSchema(adapter, schema);
}

}  // namespace

std::optional<std::string> schema_problem(const nlohmann::json& schema) {
  if (!schema.is_object()) return "must be a JSON Schema object";
  if (schema.contains("$ref")) return "must not use $ref (schemas are self-contained)";
  try {
    valijson::Schema parsed;
    parse(schema, parsed);
  } catch (const std::exception& e) {
    return std::string("is not a valid JSON Schema: ") + e.what();
  }
  return std::nullopt;
}

std::vector<SchemaViolation> validate_against(const nlohmann::json& schema, const nlohmann::json& document) {
  valijson::Schema parsed;
  parse(schema, parsed);
  valijson::Validator validator(valijson::Validator::kStrongTypes);
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(document);
  std::vector<SchemaViolation> out;
  if (validator.validate(parsed, target, &results)) return out;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    std::string path;
    for (const auto& part : error.context) {
      if (part == "<root>") continue;
      // valijson writes "[name]" or "[0]"; turn it into a JSON pointer.
      std::string p = part;
      if (p.size() >= 2 && p.front() == '[' && p.back() == ']') p = p.substr(1, p.size() - 2);
      if (p.size() >= 2 && p.front() == '"' && p.back() == '"') p = p.substr(1, p.size() - 2);
      path += "/" + p;
    }
    out.push_back({path.empty() ? "/" : path, error.description});
  }
  return out;
}

}  // namespace scratch::connectors

// The account's config and credentials, pulled out of a contract call into typed form.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace scratch::postgres {

struct ConnectionSettings {
  std::string connection_string;     // libpq URI or key=value string; holds the password, never log it
  std::vector<std::string> schemas;  // the schemas whose tables the connector exposes
};

// Throws scratch::plugin::Error("invalid_credentials" / "invalid_config") when a value has the wrong shape.
ConnectionSettings parse_settings(const nlohmann::json& config, const nlohmann::json& credentials);

}  // namespace scratch::postgres

// Reads connection settings from a call. The host validated them against the spec's schemas already, so
// this only guards against a host that did not, with messages a user can act on.
#include "connection_settings.hpp"

#include <scratch/plugin.hpp>

namespace scratch::postgres {

using plugin::Error;

ConnectionSettings parse_settings(const nlohmann::json& config, const nlohmann::json& credentials) {
  ConnectionSettings s;
  const auto cs = credentials.is_object() ? credentials.find("connection_string") : credentials.end();
  if (!credentials.is_object() || cs == credentials.end() || !cs->is_string() ||
      cs->get_ref<const std::string&>().empty()) {
    throw Error("invalid_credentials", "credentials.connection_string is required");
  }
  s.connection_string = cs->get<std::string>();

  s.schemas = {"public"};  // the spec's default, when the host did not fill it in
  if (config.is_object() && config.contains("schemas") && !config["schemas"].is_null()) {
    const auto& schemas = config["schemas"];
    if (!schemas.is_array()) throw Error("invalid_config", "config.schemas must be an array of strings");
    s.schemas.clear();
    for (const auto& name : schemas) {
      if (!name.is_string()) throw Error("invalid_config", "config.schemas must be an array of strings");
      s.schemas.push_back(name.get<std::string>());
    }
  }
  return s;
}

}  // namespace scratch::postgres

#include "connectors/call_errors.hpp"

namespace scratch::connectors {

http::ApiError call_error(const std::string& connector, const std::string& op, const CallResult& result) {
  const std::string code = result.value.value("code", "plugin_error");
  const std::string message = result.value.value("message", "the connector failed");
  if (code == "connector_timeout") {
    return http::ApiError(504, code, "Connector timed out", message)
        .with("connector", connector)
        .with("op", op);
  }
  if (code == "connector_crashed" || code == "runner_protocol") {
    return http::ApiError(502, "connector_crashed", "Connector crashed", message)
        .with("connector", connector)
        .with("op", op);
  }
  if (code == "connector_unavailable" || code == "connector_busy") {
    return http::ApiError(503, code, "Connector unavailable", message)
        .with_header("Retry-After", "2")
        .with("connector", connector)
        .with("op", op);
  }
  return http::ApiError(502, "connector_error", "The connector reported an error", connector + ": " + message)
      .with("connector", connector)
      .with("op", op)
      .with("connector_error", result.value);
}

}  // namespace scratch::connectors

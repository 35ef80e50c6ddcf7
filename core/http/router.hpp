// Route table: method + path template ("/api/v1/api-tokens/{id}") -> handler, with the documentation
// the OpenAPI document is built from. Knowing every route also lets us answer 405 with an Allow header.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "http/request.hpp"
#include "http/response.hpp"

namespace scratch::http {

using Handler = std::function<Response(Request&)>;

// What the OpenAPI document says about a route.
struct RouteDoc {
  std::string operation_id{};  // unique, camelCase
  std::string summary{};
  std::string tag{};
  bool requires_auth = false;
  nlohmann::json request_schema = nullptr;  // null: no request body
  bool request_body_optional = false;
  int success_status = 200;
  nlohmann::json response_schema = nullptr;  // null: no response body (e.g. 204)
  std::string response_content_type = "application/json";
  std::vector<int> error_statuses{};
  std::size_t max_body_bytes = 0;  // 0: the server-wide limit; larger for upload routes
  std::string request_content_type =
      "application/json";  // problem+json responses this route can give, besides 500 and 503
};

struct Route {
  std::string method;
  std::string path;  // template
  RouteDoc doc;
  Handler handler;
  std::vector<std::string> segments;
};

struct RouteMatch {
  const Route* route = nullptr;  // null: no route for this method
  std::map<std::string, std::string> params;
  std::vector<std::string> allowed_methods;  // non-empty when the path exists under other methods
};

class Router {
 public:
  // Throws std::logic_error on a duplicate method+path or operation id (a programming error).
  void add(std::string method, std::string path, RouteDoc doc, Handler handler);
  RouteMatch match(const std::string& method, const std::string& path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

// Decodes %XX escapes in a path segment; nullopt when malformed.
std::optional<std::string> percent_decode(const std::string& text);

}  // namespace scratch::http

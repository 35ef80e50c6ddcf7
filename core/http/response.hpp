// What a route handler returns.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "http/problem.hpp"

namespace scratch::http {

struct Response {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  HeaderList headers;

  static Response json(int status, const nlohmann::json& body) {
    return Response{status, body.dump(), "application/json", {}};
  }
  static Response no_content() { return Response{204, "", "", {}}; }
  static Response text(int status, std::string body, std::string content_type) {
    return Response{status, std::move(body), std::move(content_type), {}};
  }
};

}  // namespace scratch::http

// What a route handler sees of an HTTP request, independent of the HTTP library underneath.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

namespace scratch::http {

struct Request {
  std::string method;  // upper case, e.g. "GET"
  std::string path;    // without the query string
  std::string route;   // the matched route template, e.g. "/api/v1/api-tokens/{id}"
  std::map<std::string, std::string> path_params;
  std::map<std::string, std::string> query;
  std::string body;
  std::string client_address;
  std::string request_id;
  // Case-insensitive header lookup.
  std::function<std::optional<std::string>(const std::string&)> header_lookup;

  std::optional<std::string> header(const std::string& name) const {
    return header_lookup ? header_lookup(name) : std::nullopt;
  }
  const std::string& param(const std::string& name) const { return path_params.at(name); }
};

}  // namespace scratch::http

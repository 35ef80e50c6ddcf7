// Helpers shared by the Lua sandbox tests.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "lua/sandbox.hpp"

namespace scratch::lua::testing {

// Limits small enough for fast tests.
inline Limits fast_limits() {
  Limits limits;
  limits.memory_bytes = 16u << 20;
  limits.instructions = 20'000'000;
  limits.wall = std::chrono::milliseconds(3000);
  limits.http_calls = 5;
  limits.http_bytes = 1u << 20;
  limits.log_bytes = 4096;
  return limits;
}

// An HTTP function that answers 200 with the request echoed as the body, counting calls.
inline HttpFunction echo_http(int* calls = nullptr) {
  return [calls](const nlohmann::json& request) {
    if (calls) ++*calls;
    if (request.at("url").get<std::string>().find("fail") != std::string::npos) {
      throw HostError("connection_failed", "could not connect");
    }
    return nlohmann::json{
        {"status", 200}, {"headers", {{"content-type", "application/json"}}}, {"body", request.dump()}};
  };
}

}  // namespace scratch::lua::testing

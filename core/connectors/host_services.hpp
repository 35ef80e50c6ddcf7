// The ScratchHost a plugin receives for one call: HTTP through the core's client (with the account's
// rate limit), a logger tagged with the plugin's name, and a cancel check.
#pragma once

#include <scratch/plugin_abi.h>

#include <string>

namespace scratch::net {
class HttpClient;
}

namespace scratch::connectors {

class HostServices {
 public:
  // rate_key: the connector account the call is for (empty: none); requests_per_second from the spec.
  HostServices(net::HttpClient& http, std::string plugin_name, std::string rate_key,
               double requests_per_second);
  HostServices(const HostServices&) = delete;
  HostServices& operator=(const HostServices&) = delete;

  const ScratchHost* abi() const { return &host_; }

 private:
  static int http(void* context, const char* request_json, char** response_json);
  static void log(void* context, int level, const char* message);
  static int cancelled(void* context);
  static void free_string(void* context, char* text);

  net::HttpClient& http_;
  std::string plugin_name_;
  std::string rate_key_;
  double requests_per_second_;
  ScratchHost host_;
};

}  // namespace scratch::connectors

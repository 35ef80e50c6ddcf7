// Serves a Dispatcher over HTTP with Pistache. The only file that knows Pistache exists.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "http/dispatcher.hpp"

namespace Pistache::Http {
class Endpoint;
}

namespace scratch::http {

class PistacheServer {
 public:
  struct Options {
    std::string bind_address = "0.0.0.0";
    int port = 3010;
    int threads = 4;
    std::size_t max_body_bytes = 1 << 20;
  };
  PistacheServer(Options options, Dispatcher& dispatcher);
  ~PistacheServer();

  // Binds and starts serving on background threads. Throws std::runtime_error when the port is taken.
  void start();
  // Stops taking new work (503 shutting_down), waits up to `grace` for in-flight requests, then closes.
  void stop(std::chrono::milliseconds grace);

 private:
  Options options_;
  Dispatcher& dispatcher_;
  std::unique_ptr<Pistache::Http::Endpoint> endpoint_;
  bool running_ = false;
};

}  // namespace scratch::http

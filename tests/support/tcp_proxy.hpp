// A TCP forwarder on 127.0.0.1 that tests can switch off and on, to simulate a dependency (the
// database) going away and coming back.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace scratch::test {

class TcpProxy {
 public:
  // Listens on 127.0.0.1:<random free port> and forwards each connection to target_host:target_port.
  // Throws std::runtime_error if the target can't be resolved or the listener can't be created.
  TcpProxy(std::string target_host, int target_port);
  ~TcpProxy();  // closes everything and joins the worker thread

  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  int port() const;

  // false: closes the listener and every forwarded connection; new connects are refused.
  // true: listens again on the same port. Takes effect before this returns; throws if re-binding
  // fails (e.g. something else grabbed the port meanwhile).
  void set_enabled(bool enabled);
  bool enabled() const;

  std::size_t connections_accepted() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace scratch::test

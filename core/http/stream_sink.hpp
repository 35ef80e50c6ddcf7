// A long-lived response (Server-Sent Events) that other threads write to after the handler returned.
// The HTTP adapter implements it; writes never block the caller: they are queued for the connection's
// I/O thread, and a sink whose client stopped reading reports itself full instead of growing memory.
#pragma once

#include <functional>
#include <memory>
#include <string>

namespace scratch::http {

class StreamSink {
 public:
  virtual ~StreamSink() = default;
  // False when the client has gone or has more than its allowance of unsent bytes: drop the stream.
  virtual bool send(const std::string& data) = 0;
  // Ends the response (the connection may be reused).
  virtual void close() = 0;
};

// Called once the stream's headers are on the wire.
using StreamStart = std::function<void(std::shared_ptr<StreamSink>)>;

}  // namespace scratch::http

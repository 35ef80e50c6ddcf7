// A minimal Server-Sent Events client for tests: raw socket, chunked transfer decoding, event parsing.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace scratch::test {

struct SseEvent {
  std::string id;
  std::string event;  // "comment" for a ':' line (heartbeats)
  std::string data;
};

class SseClient {
 public:
  SseClient(int port, const std::string& path, const std::string& bearer,
            const std::string& last_event_id = "");
  ~SseClient();
  SseClient(const SseClient&) = delete;
  SseClient& operator=(const SseClient&) = delete;

  int status() const { return status_; }
  const std::string& body_if_not_stream() const { return raw_body_; }
  // The next event or comment, or nullopt on timeout or when the stream ended.
  std::optional<SseEvent> next(std::chrono::milliseconds timeout);
  bool ended() const { return ended_; }

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);  // reads more bytes into buffer_
  bool decode_chunks();                                       // moves complete chunks into text_

  int fd_ = -1;
  int status_ = 0;
  bool chunked_ = false;
  bool ended_ = false;
  std::string buffer_;  // raw bytes after the headers
  std::string text_;    // decoded stream text
  std::string raw_body_;
};

}  // namespace scratch::test

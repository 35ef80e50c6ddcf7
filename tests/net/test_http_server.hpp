// A scriptable HTTP/1.1 server on 127.0.0.1 for HttpClient tests: raw sockets, one thread per connection,
// one request per connection. Each reply can set status, headers, body, delays, a false Content-Length,
// or drop the connection, which is what retry, timeout and size-cap tests need.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace scratch::net::test {

struct ScriptedReply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers{};
  std::string body{};
  std::chrono::milliseconds delay{0};               // before anything is sent
  bool close_without_reply = false;                 // read the request, then close
  bool omit_content_length = false;                 // the body ends when the connection closes
  std::optional<std::size_t> announced_length{};    // Content-Length to send instead of body.size()
  std::chrono::milliseconds hold_after_headers{0};  // pause between the headers and the body
};

struct ReceivedRequest {
  std::string method{};
  std::string target{};
  std::vector<std::pair<std::string, std::string>> headers{};  // names lower-cased
  std::string body{};
  std::chrono::steady_clock::time_point received_at{};

  // The first value of a header (name in lower case), or "" when absent.
  std::string header(std::string_view name) const;
};

class TestHttpServer {
 public:
  using Handler = std::function<ScriptedReply(const ReceivedRequest&)>;

  TestHttpServer();   // listens on an ephemeral port; throws std::runtime_error on failure
  ~TestHttpServer();  // stops at once: delays and holds are cut short
  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  int port() const { return port_; }
  std::string url(std::string_view path_and_query = "/") const;

  // Replies are used in order; when none are queued the fallback answers (by default 200 "ok").
  void enqueue(ScriptedReply reply);
  void set_fallback(ScriptedReply reply);
  // Overrides queue and fallback: computes each reply from the request.
  void set_handler(Handler handler);

  std::vector<ReceivedRequest> requests() const;
  std::size_t request_count() const;

 private:
  void accept_loop();
  void serve(int fd);
  ScriptedReply next_reply(const ReceivedRequest& request);
  bool wait_unless_stopping(std::chrono::milliseconds duration);

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::condition_variable stop_cv_;
  std::deque<ScriptedReply> queue_;
  ScriptedReply fallback_;
  Handler handler_;
  std::vector<ReceivedRequest> requests_;
  std::vector<std::thread> connections_;
  std::thread acceptor_;
};

}  // namespace scratch::net::test

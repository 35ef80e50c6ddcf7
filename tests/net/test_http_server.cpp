// The scripted test server: accept loop, request parsing, scripted replies.
#include "net/test_http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace scratch::net::test {
namespace {

// Every loop that blocks polls at this interval so that the destructor never waits long.
constexpr int poll_ms = 20;
constexpr std::size_t max_request_bytes = 1 << 20;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

const char* reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 302:
      return "Found";
    case 429:
      return "Too Many Requests";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    default:
      return "Scripted";
  }
}

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);  // a vanished client: no SIGPIPE
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Parses "METHOD target HTTP/1.1" and the header lines; false if malformed.
bool parse_head(std::string_view head, ReceivedRequest& out) {
  const auto line_end = head.find("\r\n");
  const std::string_view request_line = head.substr(0, line_end);
  const auto sp1 = request_line.find(' ');
  const auto sp2 = request_line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1) return false;
  out.method = std::string(request_line.substr(0, sp1));
  out.target = std::string(request_line.substr(sp1 + 1, sp2 - sp1 - 1));
  std::size_t pos = line_end == std::string_view::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    auto end = head.find("\r\n", pos);
    if (end == std::string_view::npos) end = head.size();
    const std::string_view line = head.substr(pos, end - pos);
    const auto colon = line.find(':');
    if (colon != std::string_view::npos) {
      out.headers.emplace_back(lower(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1))));
    }
    pos = end + 2;
  }
  return true;
}

}  // namespace

std::string ReceivedRequest::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (n == name) return v;
  }
  return "";
}

TestHttpServer::TestHttpServer() {
  // Tests talk to 127.0.0.1 directly even when the developer's environment sets a proxy. Set here, before
  // any client thread starts, because setenv is not safe while other threads read the environment.
  ::setenv("NO_PROXY", "*", 1);
  ::setenv("no_proxy", "*", 1);
  fallback_.body = "ok";

  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  const int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 128) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const int err = errno;
    ::close(listen_fd_);
    throw std::runtime_error(std::string("test server: ") + std::strerror(err));
  }
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

TestHttpServer::~TestHttpServer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  acceptor_.join();
  // The acceptor has ended, so nobody adds to connections_ any more.
  for (auto& t : connections_)
    t.join();
  ::close(listen_fd_);
}

std::string TestHttpServer::url(std::string_view path_and_query) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(path_and_query);
}

void TestHttpServer::enqueue(ScriptedReply reply) {
  std::lock_guard lock(mutex_);
  queue_.push_back(std::move(reply));
}

void TestHttpServer::set_fallback(ScriptedReply reply) {
  std::lock_guard lock(mutex_);
  fallback_ = std::move(reply);
}

void TestHttpServer::set_handler(Handler handler) {
  std::lock_guard lock(mutex_);
  handler_ = std::move(handler);
}

std::vector<ReceivedRequest> TestHttpServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::size_t TestHttpServer::request_count() const {
  std::lock_guard lock(mutex_);
  return requests_.size();
}

void TestHttpServer::accept_loop() {
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, poll_ms) <= 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::lock_guard lock(mutex_);
    connections_.emplace_back([this, fd] { serve(fd); });
  }
}

bool TestHttpServer::wait_unless_stopping(std::chrono::milliseconds duration) {
  std::unique_lock lock(mutex_);
  return !stop_cv_.wait_for(lock, duration, [this] { return stopping_.load(); });
}

ScriptedReply TestHttpServer::next_reply(const ReceivedRequest& request) {
  Handler handler;
  {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
    if (!handler_) {
      if (queue_.empty()) return fallback_;
      ScriptedReply reply = std::move(queue_.front());
      queue_.pop_front();
      return reply;
    }
    handler = handler_;
  }
  return handler(request);  // outside the lock: handlers may be slow or call back into the server
}

void TestHttpServer::serve(int fd) {
  // Read the head, then as much body as Content-Length says (the client never sends chunked bodies).
  std::string data;
  std::size_t head_end = std::string::npos;
  std::size_t wanted = 0;
  ReceivedRequest request;
  char buf[16384];
  while (!stopping_ && data.size() < max_request_bytes) {
    if (head_end != std::string::npos && data.size() >= head_end + 4 + wanted) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, poll_ms) <= 0) continue;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    data.append(buf, static_cast<std::size_t>(n));
    if (head_end == std::string::npos && (head_end = data.find("\r\n\r\n")) != std::string::npos) {
      if (!parse_head(std::string_view(data).substr(0, head_end), request)) break;
      wanted = std::strtoull(request.header("content-length").c_str(), nullptr, 10);
    }
  }
  if (head_end == std::string::npos || data.size() < head_end + 4 + wanted) {
    ::close(fd);
    return;
  }
  request.body = data.substr(head_end + 4, wanted);
  request.received_at = std::chrono::steady_clock::now();
  const ScriptedReply reply = next_reply(request);

  if (!reply.close_without_reply && wait_unless_stopping(reply.delay)) {
    std::string head =
        "HTTP/1.1 " + std::to_string(reply.status) + " " + reason_phrase(reply.status) + "\r\n";
    for (const auto& [name, value] : reply.headers)
      head += name + ": " + value + "\r\n";
    if (!reply.omit_content_length) {
      head +=
          "Content-Length: " + std::to_string(reply.announced_length.value_or(reply.body.size())) + "\r\n";
    }
    head += "Connection: close\r\n\r\n";
    if (send_all(fd, head) && wait_unless_stopping(reply.hold_after_headers) && request.method != "HEAD") {
      send_all(fd, reply.body);
    }
  }
  ::shutdown(fd, SHUT_WR);
  ::close(fd);
}

}  // namespace scratch::net::test

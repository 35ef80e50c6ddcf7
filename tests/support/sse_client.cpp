#include "support/sse_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace scratch::test {

SseClient::SseClient(int port, const std::string& path, const std::string& bearer,
                     const std::string& last_event_id) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw std::runtime_error("connect failed");
  std::string request = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n";
  if (!bearer.empty()) request += "Authorization: Bearer " + bearer + "\r\n";
  if (!last_event_id.empty()) request += "Last-Event-ID: " + last_event_id + "\r\n";
  request += "\r\n";
  if (::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
    throw std::runtime_error("send failed");
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::size_t end;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill(deadline)) throw std::runtime_error("no response headers");
  }
  const std::string head = buffer_.substr(0, end);
  buffer_.erase(0, end + 4);
  status_ = std::stoi(head.substr(9, 3));
  std::string lower = head;
  for (auto& c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  chunked_ = lower.find("transfer-encoding: chunked") != std::string::npos;
  if (!chunked_) {
    const auto cl = lower.find("content-length: ");
    const std::size_t length = cl == std::string::npos ? 0 : std::stoul(lower.substr(cl + 16));
    while (buffer_.size() < length && fill(deadline)) {
    }
    raw_body_ = buffer_;
    ended_ = true;
  }
}

SseClient::~SseClient() {
  if (fd_ >= 0) ::close(fd_);
}

bool SseClient::fill(std::chrono::steady_clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return false;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
  char buf[8192];
  const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
  if (n <= 0) {
    ended_ = true;
    return false;
  }
  buffer_.append(buf, static_cast<std::size_t>(n));
  return true;
}

bool SseClient::decode_chunks() {
  bool progressed = false;
  for (;;) {
    const auto line_end = buffer_.find("\r\n");
    if (line_end == std::string::npos) return progressed;
    const std::size_t size = std::stoul(buffer_.substr(0, line_end), nullptr, 16);
    if (size == 0) {
      ended_ = true;
      buffer_.clear();
      return true;
    }
    if (buffer_.size() < line_end + 2 + size + 2) return progressed;
    text_ += buffer_.substr(line_end + 2, size);
    buffer_.erase(0, line_end + 2 + size + 2);
    progressed = true;
  }
}

std::optional<SseEvent> SseClient::next(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    decode_chunks();
    const auto end = text_.find("\n\n");
    if (end != std::string::npos) {
      const std::string block = text_.substr(0, end);
      text_.erase(0, end + 2);
      SseEvent e;
      std::size_t start = 0;
      while (start <= block.size()) {
        auto nl = block.find('\n', start);
        const std::string line =
            block.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
        if (!line.empty() && line[0] == ':')
          e.event = "comment", e.data = line.substr(1);
        else if (line.rfind("id: ", 0) == 0)
          e.id = line.substr(4);
        else if (line.rfind("event: ", 0) == 0)
          e.event = line.substr(7);
        else if (line.rfind("data: ", 0) == 0)
          e.data += line.substr(6);
        if (nl == std::string::npos) break;
        start = nl + 1;
      }
      return e;
    }
    if (ended_ || !fill(deadline)) return std::nullopt;
  }
}

}  // namespace scratch::test

#include "connectors/runner_protocol.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace scratch::connectors {
namespace {

bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

ReadStatus read_exact(int fd, char* data, std::size_t size,
                      const std::optional<std::chrono::steady_clock::time_point>& deadline) {
  while (size > 0) {
    if (deadline) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return ReadStatus::timeout;
      pollfd p{fd, POLLIN, 0};
      const int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
      if (r < 0 && errno != EINTR) return ReadStatus::error;
      if (r <= 0) continue;
    }
    const ssize_t n = ::read(fd, data, size);
    if (n == 0) return ReadStatus::eof;
    if (n < 0) {
      if (errno == EINTR) continue;
      return ReadStatus::error;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return ReadStatus::ok;
}

}  // namespace

bool write_frame(int fd, const std::string& payload) {
  const auto n = static_cast<uint32_t>(payload.size());
  const char header[4] = {static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
                          static_cast<char>(n)};
  return write_all(fd, header, 4) && write_all(fd, payload.data(), payload.size());
}

ReadStatus read_frame(int fd, std::string& payload,
                      std::optional<std::chrono::steady_clock::time_point> deadline) {
  unsigned char header[4];
  if (auto s = read_exact(fd, reinterpret_cast<char*>(header), 4, deadline); s != ReadStatus::ok) return s;
  const std::size_t size = (std::size_t{header[0]} << 24) | (std::size_t{header[1]} << 16) |
                           (std::size_t{header[2]} << 8) | std::size_t{header[3]};
  if (size > kMaxFrameBytes) return ReadStatus::too_large;
  payload.assign(size, '\0');
  return read_exact(fd, payload.data(), size, deadline);
}

}  // namespace scratch::connectors

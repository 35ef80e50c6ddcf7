// A TCP forwarder on 127.0.0.1 that tests can switch off and on, to simulate a dependency (the
// database) going away and coming back. One worker thread polls the listener and all connections.
#include "support/tcp_proxy.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace scratch::test {
namespace {

constexpr size_t kChunk = 64 * 1024;

// One end of a forwarded connection. `pending` holds bytes read from the other end, not yet written here.
struct Side {
  int fd = -1;
  bool read_eof = false;  // the peer finished sending (or we gave up reading)
  bool shut_wr = false;   // we've forwarded the other end's EOF to this end
  std::string pending;
  size_t offset = 0;
  bool has_pending() const { return offset < pending.size(); }
};

struct Conn {
  Side client;
  Side upstream;
  bool connecting = true;  // non-blocking connect to the target in progress
  bool dead = false;
  ~Conn() {
    if (client.fd >= 0) ::close(client.fd);
    if (upstream.fd >= 0) ::close(upstream.fd);
  }
};

// Reads one chunk from `from` into `to.pending`. Returns false on a hard error.
bool pump_read(Side& from, Side& to) {
  char buf[kChunk];
  const ssize_t n = ::recv(from.fd, buf, sizeof buf, 0);
  if (n > 0) {
    to.pending.assign(buf, static_cast<size_t>(n));
    to.offset = 0;
  } else if (n == 0) {
    from.read_eof = true;
  } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
    return false;
  }
  return true;
}

// Writes as much of `to.pending` as the socket takes. Returns false on a hard error.
bool pump_write(Side& to) {
  while (to.has_pending()) {
    const ssize_t n =
        ::send(to.fd, to.pending.data() + to.offset, to.pending.size() - to.offset, MSG_NOSIGNAL);
    if (n > 0) {
      to.offset += static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
  }
  to.pending.clear();
  to.offset = 0;
  return true;
}

// Half-close propagation: once one end has sent EOF and its bytes are delivered, pass the EOF on.
void forward_eof(const Side& from, Side& to) {
  if (from.read_eof && !to.has_pending() && !to.shut_wr) {
    ::shutdown(to.fd, SHUT_WR);
    to.shut_wr = true;
  }
}

short read_events(const Conn& c, const Side& from, const Side& to) {
  return (!c.connecting && !from.read_eof && !to.has_pending()) ? POLLIN : 0;
}

}  // namespace

struct TcpProxy::Impl {
  sockaddr_storage target{};
  socklen_t target_len = 0;
  int port = 0;
  int listen_fd = -1;
  int wake_r = -1, wake_w = -1;
  std::atomic<bool> is_enabled{true};
  std::atomic<size_t> accepted{0};

  // Commands to the worker; set_enabled waits until applied_gen catches up.
  std::mutex mu;
  std::condition_variable cv;
  bool want_enabled = true;
  bool want_stop = false;
  unsigned long requested_gen = 0, applied_gen = 0;
  std::string apply_error;

  std::vector<std::unique_ptr<Conn>> conns;  // worker thread only
  std::thread worker;

  ~Impl() {
    if (listen_fd >= 0) ::close(listen_fd);
    if (wake_r >= 0) ::close(wake_r);
    if (wake_w >= 0) ::close(wake_w);
  }

  // Binds 127.0.0.1:port (0 = any). SO_REUSEADDR lets us re-bind while old connections are in TIME_WAIT.
  void open_listener() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error(std::string("TcpProxy socket: ") + std::strerror(errno));
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 128) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      const int err = errno;
      ::close(fd);
      throw std::runtime_error("TcpProxy listen on 127.0.0.1:" + std::to_string(port) + ": " +
                               std::strerror(err));
    }
    listen_fd = fd;
    if (port == 0)
      port = ntohs(addr.sin_port);  // set once, before the worker starts: port() reads it unlocked
  }

  void close_all() {
    if (listen_fd >= 0) ::close(listen_fd);
    listen_fd = -1;
    conns.clear();
  }

  void wake() {
    const char b = 1;
    [[maybe_unused]] auto n = ::write(wake_w, &b, 1);  // a full pipe already means "wake up"
  }

  // Returns false when the worker should exit.
  bool apply_commands() {
    char buf[64];
    while (::read(wake_r, buf, sizeof buf) > 0) {
    }
    std::lock_guard lock(mu);
    if (want_stop) return false;
    apply_error.clear();
    if (want_enabled != is_enabled) {
      if (want_enabled) {
        try {
          open_listener();
          is_enabled = true;
        } catch (const std::exception& e) {
          apply_error = e.what();
        }
      } else {
        close_all();
        is_enabled = false;
      }
    }
    applied_gen = requested_gen;
    cv.notify_all();
    return true;
  }

  void accept_all() {
    while (true) {
      const int cfd = ::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (cfd < 0) return;  // EAGAIN, or a transient error (e.g. ECONNABORTED): retry on next poll
      ++accepted;
      auto c = std::make_unique<Conn>();
      c->client.fd = cfd;
      c->upstream.fd = ::socket(target.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (c->upstream.fd < 0) continue;  // drops the client: like an unreachable target
      if (::connect(c->upstream.fd, reinterpret_cast<const sockaddr*>(&target), target_len) == 0) {
        c->connecting = false;
      } else if (errno != EINPROGRESS) {
        continue;  // target refused: the client just sees its connection closed
      }
      const int one = 1;
      ::setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      ::setsockopt(c->upstream.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      conns.push_back(std::move(c));
    }
  }

  void service(Conn& c, short client_rev, short upstream_rev) {
    if ((client_rev | upstream_rev) & POLLNVAL) {
      c.dead = true;
      return;
    }
    if (c.connecting) {
      if (upstream_rev == 0) return;
      int err = 0;
      socklen_t len = sizeof err;
      if (::getsockopt(c.upstream.fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
        c.dead = true;
        return;
      }
      c.connecting = false;
    }
    bool ok = true;
    // Any revents (incl. POLLHUP/POLLERR) means the requested operation won't block: try it and
    // let the syscall report EOF or the error.
    if (client_rev && read_events(c, c.client, c.upstream)) ok = ok && pump_read(c.client, c.upstream);
    if (upstream_rev && read_events(c, c.upstream, c.client)) ok = ok && pump_read(c.upstream, c.client);
    ok = ok && pump_write(c.upstream) && pump_write(c.client);
    if (!ok) {
      c.dead = true;
      return;
    }
    forward_eof(c.client, c.upstream);
    forward_eof(c.upstream, c.client);
    if (c.client.shut_wr && c.upstream.shut_wr) c.dead = true;  // both directions finished
  }

  void run() {
    std::vector<pollfd> fds;
    while (true) {
      fds.clear();
      fds.push_back({wake_r, POLLIN, 0});
      const bool listening = listen_fd >= 0;
      if (listening) fds.push_back({listen_fd, POLLIN, 0});
      const size_t first_conn = fds.size();
      for (const auto& c : conns) {
        const short cev = read_events(*c, c->client, c->upstream) | (c->client.has_pending() ? POLLOUT : 0);
        const short uev = read_events(*c, c->upstream, c->client) |
                          ((c->connecting || c->upstream.has_pending()) ? POLLOUT : 0);
        // fd -1 makes poll skip an end we're not waiting on (else a stray POLLHUP would spin).
        fds.push_back({cev ? c->client.fd : -1, cev, 0});
        fds.push_back({uev ? c->upstream.fd : -1, uev, 0});
      }
      if (::poll(fds.data(), fds.size(), -1) < 0) continue;  // EINTR

      if (fds[0].revents) {
        if (!apply_commands()) break;
        continue;  // the fd set may have changed; rebuild it
      }
      for (size_t i = 0; i < conns.size(); ++i)
        service(*conns[i], fds[first_conn + 2 * i].revents, fds[first_conn + 2 * i + 1].revents);
      std::erase_if(conns, [](const auto& c) { return c->dead; });
      if (listening && fds[1].revents) accept_all();
    }
    close_all();
  }
};

TcpProxy::TcpProxy(std::string target_host, int target_port) : impl_(std::make_unique<Impl>()) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const std::string port_str = std::to_string(target_port);
  if (const int rc = ::getaddrinfo(target_host.c_str(), port_str.c_str(), &hints, &res); rc != 0)
    throw std::runtime_error("TcpProxy: cannot resolve " + target_host + ": " + ::gai_strerror(rc));
  std::memcpy(&impl_->target, res->ai_addr, res->ai_addrlen);
  impl_->target_len = res->ai_addrlen;
  ::freeaddrinfo(res);

  int wake[2];
  if (::pipe2(wake, O_NONBLOCK | O_CLOEXEC) != 0)
    throw std::runtime_error(std::string("TcpProxy pipe2: ") + std::strerror(errno));
  impl_->wake_r = wake[0];
  impl_->wake_w = wake[1];
  impl_->open_listener();
  impl_->worker = std::thread([impl = impl_.get()] { impl->run(); });
}

TcpProxy::~TcpProxy() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->want_stop = true;
  }
  impl_->wake();
  impl_->worker.join();
}

int TcpProxy::port() const {
  return impl_->port;
}

void TcpProxy::set_enabled(bool enabled) {
  std::unique_lock lock(impl_->mu);
  impl_->want_enabled = enabled;
  const unsigned long gen = ++impl_->requested_gen;
  impl_->wake();
  impl_->cv.wait(lock, [&] { return impl_->applied_gen >= gen; });
  if (!impl_->apply_error.empty()) throw std::runtime_error(impl_->apply_error);
}

bool TcpProxy::enabled() const {
  return impl_->is_enabled;
}

std::size_t TcpProxy::connections_accepted() const {
  return impl_->accepted;
}

}  // namespace scratch::test

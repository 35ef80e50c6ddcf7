// Self-test of the integration-test support library against real sockets, processes and PostgreSQL.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include "support/free_port.hpp"
#include "support/http_client.hpp"
#include "support/scratchd_process.hpp"
#include "support/tcp_proxy.hpp"
#include "support/test_database.hpp"

namespace scratch::test {
namespace {

using namespace std::chrono_literals;

// Blocking connect to 127.0.0.1:port; returns the fd or -errno.
int connect_local(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    const int err = errno;
    ::close(fd);
    return -err;
  }
  return fd;
}

void send_all(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    const ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    ASSERT_GT(n, 0) << std::strerror(errno);
    off += static_cast<size_t>(n);
  }
}

// Reads until EOF (or error); a 10 s receive timeout keeps a broken proxy from hanging the test.
std::string read_to_eof(int fd) {
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string out;
  char buf[65536];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0)
    out.append(buf, static_cast<size_t>(n));
  return out;
}

// Accepts connections on 127.0.0.1:<random> and hands each to `handler` on its own thread.
class LocalServer {
 public:
  explicit LocalServer(std::function<void(int)> handler) : handler_(std::move(handler)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 64) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      throw std::runtime_error("LocalServer: cannot listen");
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~LocalServer() {
    stop_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);  // wakes accept()
    acceptor_.join();
    {
      std::lock_guard lock(mu_);
      for (int fd : conn_fds_)
        ::shutdown(fd, SHUT_RDWR);  // wakes handlers blocked in recv
    }
    for (auto& t : handlers_)
      t.join();
    ::close(listen_fd_);
  }
  int port() const { return port_; }

 private:
  void accept_loop() {
    while (!stop_) {
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      std::lock_guard lock(mu_);
      conn_fds_.push_back(fd);
      handlers_.emplace_back([this, fd] {
        handler_(fd);
        ::shutdown(fd, SHUT_RDWR);  // fd itself is closed by the destructor, avoiding fd reuse races
      });
    }
  }

  std::function<void(int)> handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<int> conn_fds_;
  std::vector<std::thread> handlers_;
};

void echo_handler(int fd) {
  char buf[65536];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) {
    size_t off = 0;
    while (off < static_cast<size_t>(n)) {
      const ssize_t w = ::send(fd, buf + off, static_cast<size_t>(n) - off, MSG_NOSIGNAL);
      if (w <= 0) return;
      off += static_cast<size_t>(w);
    }
  }
}

// One HTTP/1.1 request per connection; answers with a JSON description of what it received.
void http_handler(int fd) {
  std::string data;
  char buf[65536];
  size_t header_end;
  while ((header_end = data.find("\r\n\r\n")) == std::string::npos) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return;
    data.append(buf, static_cast<size_t>(n));
  }
  const std::string head = data.substr(0, header_end);
  std::string body = data.substr(header_end + 4);

  nlohmann::json headers = nlohmann::json::object();
  size_t content_length = 0;
  size_t pos = head.find("\r\n");
  const std::string request_line = head.substr(0, pos);
  while (pos != std::string::npos && pos < head.size()) {
    const size_t next = head.find("\r\n", pos + 2);
    const std::string line =
        head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
    if (const auto colon = line.find(':'); colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (auto& ch : name)
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      const std::string value = line.substr(line.find_first_not_of(' ', colon + 1) == std::string::npos
                                                ? line.size()
                                                : line.find_first_not_of(' ', colon + 1));
      headers[name] = value;
      if (name == "content-length") content_length = std::stoul(value);
    }
    pos = next;
  }
  while (body.size() < content_length) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return;
    body.append(buf, static_cast<size_t>(n));
  }
  const std::string method = request_line.substr(0, request_line.find(' '));
  const std::string path =
      request_line.substr(method.size() + 1, request_line.rfind(' ') - method.size() - 1);

  std::string status = "200 OK", content_type = "application/json", extra, out;
  if (path == "/redirect") {
    status = "302 Found";
    extra = "Location: /elsewhere\r\n";
    out = "moved";
  } else if (path == "/text") {
    content_type = "text/plain";
    out = "definitely not json";
  } else {
    out = nlohmann::json{{"method", method},
                         {"path", path},
                         {"headers", headers},
                         {"body_size", body.size()},
                         {"body", body.size() <= 1000 ? body : std::string()}}
              .dump();
  }
  send_all(fd, "HTTP/1.1 " + status + "\r\nContent-Type: " + content_type + "\r\n" + extra +
                   "X-Multi: a\r\nX-Multi: b\r\nContent-Length: " + std::to_string(out.size()) +
                   "\r\nConnection: close\r\n\r\n" + out);
}

// ---------------------------------------------------------------------------------------------

TEST(FreePort, ReturnsBindablePort) {
  const int port = free_tcp_port();
  EXPECT_GT(port, 0);
  EXPECT_LT(port, 65536);
  LocalServer dummy(echo_handler);  // sanity: a port from the kernel differs from one in use
  EXPECT_NE(port, dummy.port());
  const int fd = connect_local(port);
  EXPECT_EQ(fd, -ECONNREFUSED) << "nothing should be listening on a fresh free port";
  if (fd >= 0) ::close(fd);
}

TEST(TcpProxy, ForwardsDisablesAndReenablesOnSamePort) {
  LocalServer echo(echo_handler);
  TcpProxy proxy("127.0.0.1", echo.port());
  const int port = proxy.port();
  EXPECT_TRUE(proxy.enabled());

  // Several MB through the proxy, with the client half-closing: everything must come back.
  std::string big(5 * 1024 * 1024, '\0');
  for (size_t i = 0; i < big.size(); ++i)
    big[i] = static_cast<char>(i * 131 + i / 7);
  int fd = connect_local(port);
  ASSERT_GE(fd, 0);
  std::thread writer([&] {
    send_all(fd, big);
    ::shutdown(fd, SHUT_WR);
  });
  const std::string echoed = read_to_eof(fd);
  writer.join();
  ::close(fd);
  EXPECT_EQ(echoed.size(), big.size());
  EXPECT_TRUE(echoed == big) << "data corrupted through the proxy";

  // An open connection is cut when the proxy is disabled.
  const int held = connect_local(port);
  ASSERT_GE(held, 0);
  send_all(held, "ping");
  char buf[4];
  ASSERT_EQ(::recv(held, buf, 4, MSG_WAITALL), 4);
  proxy.set_enabled(false);
  EXPECT_FALSE(proxy.enabled());
  EXPECT_EQ(read_to_eof(held), "");
  ::close(held);
  EXPECT_EQ(connect_local(port), -ECONNREFUSED);

  proxy.set_enabled(true);
  EXPECT_TRUE(proxy.enabled());
  EXPECT_EQ(proxy.port(), port);
  fd = connect_local(port);
  ASSERT_GE(fd, 0);
  send_all(fd, "again");
  ::shutdown(fd, SHUT_WR);
  EXPECT_EQ(read_to_eof(fd), "again");
  ::close(fd);
  EXPECT_EQ(proxy.connections_accepted(), 3u);
}

TEST(TcpProxy, ClosesClientWhenTargetIsDown) {
  TcpProxy proxy("127.0.0.1", free_tcp_port());
  const int fd = connect_local(proxy.port());
  ASSERT_GE(fd, 0);                // the proxy itself accepts...
  EXPECT_EQ(read_to_eof(fd), "");  // ...but drops the connection it can't forward
  ::close(fd);
}

TEST(TestDatabase, CreatesUsableDatabaseAndDropsIt) {
  ASSERT_NE(std::getenv("SCRATCH_TEST_DATABASE_URL"), nullptr)
      << "SCRATCH_TEST_DATABASE_URL is not set: run the suite with scripts/test.sh";
  auto exists = [](const std::string& name) {
    pqxx::connection c{TestDatabase::admin_url()};
    pqxx::nontransaction w{c};
    return !w.exec("SELECT 1 FROM pg_database WHERE datname = " + w.quote(name)).empty();
  };

  std::string name;
  {
    TestDatabase db;
    name = db.name();
    EXPECT_TRUE(name.starts_with("scratch_t_" + std::to_string(::getpid()) + "_")) << name;
    EXPECT_TRUE(exists(name));
    EXPECT_NE(db.url().find("/" + name), std::string::npos) << db.url();

    TestDatabase other;
    EXPECT_NE(other.name(), name);

    // Through a proxy via url_via, with a connection left open so the drop needs FORCE.
    TcpProxy proxy("127.0.0.1", [&] {
      const std::string admin = TestDatabase::admin_url();
      const auto at = admin.rfind('@');
      const auto colon = admin.find(':', at);
      return colon == std::string::npos ? 5432 : std::stoi(admin.substr(colon + 1));
    }());
    const std::string via = db.url_via("127.0.0.1", proxy.port());
    EXPECT_NE(via.find(":" + std::to_string(proxy.port()) + "/" + name), std::string::npos) << via;
    pqxx::connection c{via};
    pqxx::nontransaction w{c};
    EXPECT_EQ(w.exec1("SELECT current_database()")[0].as<std::string>(), name);
    EXPECT_GE(proxy.connections_accepted(), 1u);
    pqxx::connection left_open{db.url()};
  }
  EXPECT_FALSE(exists(name)) << "database " << name << " was not dropped";
}

TEST(TestDatabase, KeepsQueryStringInUrl) {
  const char* orig = std::getenv("SCRATCH_TEST_DATABASE_URL");
  ASSERT_NE(orig, nullptr);
  const std::string saved = orig;
  ::setenv("SCRATCH_TEST_DATABASE_URL", (saved + "?connect_timeout=5").c_str(), 1);
  {
    TestDatabase db;
    EXPECT_TRUE(db.url().ends_with("/" + db.name() + "?connect_timeout=5")) << db.url();
    EXPECT_TRUE(db.url_via("localhost", 1234).find("@localhost:1234/" + db.name() + "?connect_timeout=5") !=
                std::string::npos)
        << db.url_via("localhost", 1234);
    pqxx::connection c{db.url()};
    EXPECT_EQ(std::string(c.dbname()), db.name());
  }
  ::setenv("SCRATCH_TEST_DATABASE_URL", saved.c_str(), 1);
}

TEST(TestDatabase, ThrowsClearlyWithoutEnv) {
  const char* orig = std::getenv("SCRATCH_TEST_DATABASE_URL");
  const std::optional<std::string> saved = orig ? std::optional<std::string>(orig) : std::nullopt;
  ::unsetenv("SCRATCH_TEST_DATABASE_URL");
  try {
    TestDatabase db;
    ADD_FAILURE() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("scripts/test.sh"), std::string::npos) << e.what();
  }
  if (saved) ::setenv("SCRATCH_TEST_DATABASE_URL", saved->c_str(), 1);
}

TEST(HttpClient, SendsMethodsBodiesAndHeaders) {
  LocalServer server(http_handler);
  const HttpClient client("http://127.0.0.1:" + std::to_string(server.port()));

  auto r = client.get("/things?x=1", "tok123");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = r.json();
  EXPECT_EQ(j["method"], "GET");
  EXPECT_EQ(j["path"], "/things?x=1");
  EXPECT_EQ(j["headers"]["authorization"], "Bearer tok123");
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(r.header("CONTENT-TYPE"), "application/json");
  EXPECT_EQ(r.header("x-multi"), "a, b");
  EXPECT_EQ(r.header("x-absent"), "");

  j = client.post_json("/p", {{"a", 1}}).json();
  EXPECT_EQ(j["method"], "POST");
  EXPECT_EQ(j["headers"]["content-type"], "application/json");
  EXPECT_EQ(j["body"], R"({"a":1})");
  EXPECT_FALSE(j["headers"].contains("authorization"));

  j = client.del("/d/1", "t").json();
  EXPECT_EQ(j["method"], "DELETE");
  EXPECT_EQ(j["headers"]["authorization"], "Bearer t");

  j = client.request("PATCH", "/x", std::string("{not json"), {{"X-Custom", "yes"}}).json();
  EXPECT_EQ(j["method"], "PATCH");
  EXPECT_EQ(j["body"], "{not json");
  EXPECT_EQ(j["headers"]["x-custom"], "yes");
  EXPECT_FALSE(j["headers"].contains("content-type")) << "curl's form content-type must not leak";

  j = client.request("BREW", "/pot").json();
  EXPECT_EQ(j["method"], "BREW");

  j = client.request("PUT", "/empty").json();
  EXPECT_EQ(j["headers"]["content-length"], "0");

  const std::string big(6 * 1024 * 1024, 'z');
  j = client.request("PUT", "/big", big, {{"Content-Type", "application/octet-stream"}}).json();
  EXPECT_EQ(j["body_size"], big.size());
  EXPECT_EQ(j["headers"]["content-type"], "application/octet-stream");
  EXPECT_FALSE(j["headers"].contains("expect"));
}

TEST(HttpClient, DoesNotFollowRedirectsAndReportsNonJson) {
  LocalServer server(http_handler);
  const HttpClient client("http://127.0.0.1:" + std::to_string(server.port()) + "/");

  const auto r = client.get("/redirect");
  EXPECT_EQ(r.status, 302);
  EXPECT_EQ(r.header("Location"), "/elsewhere");
  EXPECT_EQ(r.body, "moved");

  const auto t = client.get("/text");
  EXPECT_EQ(t.status, 200);
  try {
    (void)t.json();
    ADD_FAILURE() << "expected json() to throw";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("definitely not json"), std::string::npos) << e.what();
  }
}

TEST(HttpClient, ConnectionFailureIsStatusZero) {
  const HttpClient client("http://127.0.0.1:" + std::to_string(free_tcp_port()));
  const auto r = client.get("/healthz");
  EXPECT_EQ(r.status, 0);
  EXPECT_FALSE(r.body.empty());
  EXPECT_TRUE(r.headers.empty());
}

TEST(RunScratchdCli, CapturesOutputExitCodeStdinAndEnv) {
  const auto r = run_scratchd_cli({"-c", "echo out; echo err >&2; read x; echo $x; exit 3"}, {},
                                  "hello from stdin\n", "/bin/sh");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "out\nhello from stdin\n");
  EXPECT_EQ(r.err, "err\n");

  ::setenv("SCRATCH_LEAKY", "1", 1);
  ::setenv("DATABASE_URL", "postgresql://leak", 1);
  const auto e = run_scratchd_cli(
      {"-c", "echo \"$MY_VAR|${SCRATCH_LEAKY-unset}|${DATABASE_URL-unset}|${PATH:+path}\"; ls -A | wc -l"},
      {{"MY_VAR", "reached"}}, "", "/bin/sh");
  ::unsetenv("SCRATCH_LEAKY");
  ::unsetenv("DATABASE_URL");
  EXPECT_EQ(e.exit_code, 0) << e.err;
  EXPECT_EQ(e.out, "reached|unset|unset|path\n0\n") << "env scrubbed, override applied, cwd empty";

  // Large stdin that the child never reads must neither hang nor SIGPIPE the test process.
  const auto big = run_scratchd_cli({"-c", "exit 0"}, {}, std::string(8 << 20, 'x'), "/bin/sh");
  EXPECT_EQ(big.exit_code, 0);
  const auto sig = run_scratchd_cli({"-c", "kill -KILL $$"}, {}, "", "/bin/sh");
  EXPECT_EQ(sig.exit_code, 128 + SIGKILL);
  EXPECT_EQ(run_scratchd_cli({"-c", "exit 5"}, {}, "", "sh").exit_code, 5)
      << "bare names are looked up in PATH";
  EXPECT_THROW(run_scratchd_cli({}, {}, "", "/nonexistent/scratchd"), std::runtime_error);
}

TEST(RunScratchdCli, ChildDoesNotInheritSockets) {
  // Like a library socket opened without SOCK_CLOEXEC: must still not reach the child.
  const int leaky = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(leaky, 0);
  // No pipeline: the shell would hold pipe fds of its own while it runs one.
  const auto r = run_scratchd_cli({"-c", "exec ls /proc/$$/fd"}, {}, "", "/bin/sh");
  ::close(leaky);
  EXPECT_EQ(r.out, "0\n1\n2\n3\n") << "only stdio (+ ls's own directory fd 3); stderr: " << r.err;
}

TEST(ScratchdProcess, SetsUpEnvironmentAndStops) {
  ScratchdProcess::Options opts;
  opts.bin = "/bin/sh";
  opts.database_url = "postgresql://u@h:1/db";
  opts.args = {"-c",
               "echo \"PORT=$PORT DATA=$SCRATCH_DATA_DIR KEY=${#SCRATCH_MASTER_KEY} "
               "SECRET=${#SCRATCH_SESSION_SECRET} LVL=$SCRATCH_LOG_LEVEL DB=$DATABASE_URL "
               "X=$EXTRA CWD=$(pwd)\"; echo READY >&2; exec sleep 30"};
  opts.env = {{"EXTRA", "x1"}, {"SCRATCH_LOG_LEVEL", "warn"}};
  opts.wait_ready = false;
  ScratchdProcess p(opts);
  for (int i = 0; i < 500 && p.log().find("READY") == std::string::npos; ++i)
    std::this_thread::sleep_for(10ms);
  const std::string log = p.log();
  const std::string dir = p.data_dir().substr(0, p.data_dir().rfind('/'));
  EXPECT_NE(log.find("PORT=" + std::to_string(p.port()) + " DATA=" + p.data_dir() +
                     " KEY=64 SECRET=64 LVL=warn DB=postgresql://u@h:1/db X=x1 CWD=" + dir),
            std::string::npos)
      << log;
  EXPECT_EQ(p.base_url(), "http://127.0.0.1:" + std::to_string(p.port()));
  EXPECT_TRUE(p.running());
  EXPECT_GT(p.pid(), 0);
  EXPECT_EQ(p.stop(), 128 + SIGTERM);
  EXPECT_EQ(p.stop(), 128 + SIGTERM) << "stop() is idempotent";
  EXPECT_FALSE(p.running());
}

TEST(ScratchdProcess, StartupFailureThrowsWithLogTail) {
  ScratchdProcess::Options opts;
  opts.bin = "/bin/sh";
  opts.args = {"-c", "echo 'fatal: boom' >&2; exit 4"};
  try {
    ScratchdProcess p(opts);
    ADD_FAILURE() << "expected startup to fail";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("status 4"), std::string::npos) << what;
    EXPECT_NE(what.find("fatal: boom"), std::string::npos) << what;
  }
}

// A stand-in server answering /healthz, to exercise the readiness wait end to end.
TEST(ScratchdProcess, WaitsForHealthz) {
  if (run_scratchd_cli({"-c", "command -v python3"}, {}, "", "/bin/sh").exit_code != 0)
    GTEST_SKIP() << "python3 not available";
  ScratchdProcess::Options opts;
  opts.bin = "/bin/sh";
  opts.args = {"-c", "sleep 0.3; echo ok > healthz; exec python3 -m http.server \"$PORT\" --bind 127.0.0.1"};
  ScratchdProcess p(opts);
  const auto r = p.client().get("/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok\n");
  p.send_signal(SIGTERM);
  for (int i = 0; i < 500 && p.running(); ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(p.stop(), 128 + SIGTERM);
  EXPECT_NE(p.log().find("GET /healthz"), std::string::npos) << p.log();
}

}  // namespace
}  // namespace scratch::test

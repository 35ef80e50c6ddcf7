// Runs the real scratchd binary as a subprocess: one-shot CLI invocations and long-running servers.
#include "support/scratchd_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/free_port.hpp"
#include "support/random_hex.hpp"
#include "support/spawn.hpp"

namespace scratch::test {
namespace {

using Clock = std::chrono::steady_clock;

// Closes an fd on scope exit; -1 means "nothing to close".
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

void require_bin(const std::string& bin) {
  if (bin.empty())
    throw std::runtime_error("no scratchd binary: compile with -DSCRATCHD_BIN=\"...\" or pass bin");
}

void set_nonblocking(int fd) {
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

// Reads whatever is available; returns false at EOF or on a hard error.
bool drain(int fd, std::string& into) {
  char buf[65536];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      into.append(buf, static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
  }
}

int wait_blocking(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return decode_wait_status(status);
}

std::string tail(const std::string& text, size_t max_chars) {
  if (text.size() <= max_chars) return text;
  size_t start = text.size() - max_chars;
  if (const auto nl = text.find('\n', start); nl != std::string::npos) start = nl + 1;
  return "...\n" + text.substr(start);
}

}  // namespace

CliResult run_scratchd_cli(std::vector<std::string> args, std::map<std::string, std::string> env,
                           std::string stdin_text, std::string bin) {
  require_bin(bin);
  constexpr auto kTimeout = std::chrono::seconds(60);
  TempDir cwd("scratchd-cli");

  // stdin is a socketpair rather than a pipe so that writing to a child that stopped reading can use
  // MSG_NOSIGNAL instead of raising SIGPIPE in the test process.
  int in_pair[2], out_pipe[2], err_pipe[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in_pair) != 0) throw_errno("socketpair");
  Fd in_parent(in_pair[0]), in_child(in_pair[1]);
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) throw_errno("pipe2");
  Fd out_parent(out_pipe[0]), out_child(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) throw_errno("pipe2");
  Fd err_parent(err_pipe[0]), err_child(err_pipe[1]);
  ::shutdown(in_child.get(), SHUT_WR);  // the child's stdin is read-only

  SpawnSpec spec;
  spec.program = bin;
  spec.args = std::move(args);
  spec.env = child_environment(env);
  spec.cwd = cwd.path();
  spec.stdin_fd = in_child.get();
  spec.stdout_fd = out_child.get();
  spec.stderr_fd = err_child.get();
  const pid_t pid = spawn_process(spec);
  // Our copies of the child's ends must go, or we'd never see EOF.
  in_child.reset();
  out_child.reset();
  err_child.reset();
  set_nonblocking(in_parent.get());
  set_nonblocking(out_parent.get());
  set_nonblocking(err_parent.get());

  CliResult result;
  size_t written = 0;
  if (stdin_text.empty()) in_parent.reset();
  bool out_open = true, err_open = true;
  std::optional<int> exit_code;
  const auto deadline = Clock::now() + kTimeout;
  bool timed_out = false;

  while (out_open || err_open) {
    const auto now = Clock::now();
    if (now >= deadline) {
      timed_out = true;
      break;
    }
    pollfd fds[3];
    int n = 0;
    int idx_in = -1, idx_out = -1, idx_err = -1;
    if (in_parent.get() >= 0) fds[idx_in = n++] = {in_parent.get(), POLLOUT, 0};
    if (out_open) fds[idx_out = n++] = {out_parent.get(), POLLIN, 0};
    if (err_open) fds[idx_err = n++] = {err_parent.get(), POLLIN, 0};
    // Wake periodically: if the child exits while a grandchild holds the pipes, stop anyway.
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
    const int rc = ::poll(fds, static_cast<nfds_t>(n), static_cast<int>(std::min<long long>(left, 100)));
    if (rc < 0 && errno != EINTR) throw_errno("poll");

    if (idx_in >= 0 && fds[idx_in].revents) {
      const ssize_t w = ::send(in_parent.get(), stdin_text.data() + written, stdin_text.size() - written,
                               MSG_NOSIGNAL | MSG_DONTWAIT);
      if (w > 0) written += static_cast<size_t>(w);
      // A child that exits without reading its input is not our error: just stop feeding it.
      if ((w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) ||
          written == stdin_text.size())
        in_parent.reset();
    }
    if (idx_out >= 0 && fds[idx_out].revents) out_open = drain(out_parent.get(), result.out);
    if (idx_err >= 0 && fds[idx_err].revents) err_open = drain(err_parent.get(), result.err);

    if (!exit_code && (out_open || err_open)) {
      int status;
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        exit_code = decode_wait_status(status);
        if (out_open) drain(out_parent.get(), result.out);
        if (err_open) drain(err_parent.get(), result.err);
        break;
      }
    }
  }
  in_parent.reset();

  // Pipes are closed; the child may still be finishing. Give it the rest of the deadline.
  while (!exit_code && !timed_out) {
    int status;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      exit_code = decode_wait_status(status);
    } else if (r < 0 && errno != EINTR) {
      exit_code = -1;
    } else if (Clock::now() >= deadline) {
      timed_out = true;
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  if (timed_out) {
    ::kill(pid, SIGKILL);
    exit_code = wait_blocking(pid);
    result.err += "\n[run_scratchd_cli: killed after " + std::to_string(kTimeout.count()) + " s timeout]";
  }
  result.exit_code = *exit_code;
  return result;
}

ScratchdProcess::ScratchdProcess(Options options)
    : dir_("scratchd"), data_dir_(dir_.path() + "/data"), log_path_(dir_.path() + "/scratchd.log") {
  require_bin(options.bin);
  port_ = free_tcp_port();

  std::map<std::string, std::string> env = {
      {"PORT", std::to_string(port_)},
      {"SCRATCH_DATA_DIR", data_dir_},
      {"SCRATCH_SESSION_SECRET", random_hex(64)},
      {"SCRATCH_MASTER_KEY", random_hex(64)},
      {"SCRATCH_LOG_LEVEL", "debug"},
  };
  if (!options.database_url.empty()) env["DATABASE_URL"] = options.database_url;
  for (auto& [name, value] : options.env)
    env[name] = value;
  // Keep port()/data_dir() truthful when a test overrides them.
  if (const auto& p = env["PORT"]; p != std::to_string(port_)) {
    try {
      port_ = std::stoi(p);
    } catch (const std::exception&) {
      port_ = 0;  // deliberately invalid PORT: the test expects startup to fail
    }
  }
  data_dir_ = env["SCRATCH_DATA_DIR"];
  if (::mkdir((dir_.path() + "/data").c_str(), 0700) != 0) throw_errno("mkdir data dir");

  Fd log_fd(::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600));
  if (log_fd.get() < 0) throw_errno("open " + log_path_);

  SpawnSpec spec;
  spec.program = options.bin;
  spec.args = options.args;
  spec.env = child_environment(env);
  spec.cwd = dir_.path();
  spec.stdout_fd = log_fd.get();
  spec.stderr_fd = log_fd.get();
  pid_ = spawn_process(spec);

  if (options.wait_ready) {
    try {
      wait_ready(std::chrono::seconds(20));
    } catch (...) {
      stop(std::chrono::seconds(2));  // no destructor for a throwing constructor
      throw;
    }
  }
}

ScratchdProcess::~ScratchdProcess() {
  try {
    stop();
  } catch (...) {
    // Destructors must not throw; the temp dir is still removed by dir_.
  }
}

std::string ScratchdProcess::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

HttpClient ScratchdProcess::client() const {
  return HttpClient(base_url());
}

void ScratchdProcess::wait_ready(std::chrono::seconds timeout) {
  const auto deadline = Clock::now() + timeout;
  // Short per-request timeout so a server that accepts but hangs can't eat the whole budget.
  const HttpClient probe(base_url(), std::chrono::seconds(2));
  std::string last;
  while (true) {
    if (!running())
      fail_start("scratchd exited with status " + std::to_string(*exit_status_) + " before becoming ready");
    const HttpResponse r = probe.get("/healthz");
    if (r.status == 200) return;
    last = r.status == 0 ? r.body : "status " + std::to_string(r.status);
    if (Clock::now() >= deadline)
      fail_start("scratchd not ready after " + std::to_string(timeout.count()) +
                 " s (last /healthz: " + last + ")");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void ScratchdProcess::fail_start(const std::string& why) {
  // Stop first so the log is complete. dir_ (and the log) is removed during unwinding, hence the
  // tail goes into the message.
  stop(std::chrono::seconds(2));
  throw std::runtime_error(why + "\n--- scratchd log tail (" + log_path_ + ") ---\n" + tail(log(), 8000));
}

int ScratchdProcess::stop(std::chrono::seconds grace) {
  if (exit_status_) return *exit_status_;
  if (pid_ <= 0) return -1;
  if (!running()) return *exit_status_;
  ::kill(pid_, SIGTERM);
  const auto deadline = Clock::now() + grace;
  while (Clock::now() < deadline) {
    if (!running()) return *exit_status_;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  exit_status_ = wait_blocking(pid_);
  return *exit_status_;
}

void ScratchdProcess::send_signal(int sig) {
  // Until reaped the pid can't be reused (it's at worst a zombie), so this never hits a stranger.
  if (pid_ > 0 && !exit_status_) ::kill(pid_, sig);
}

bool ScratchdProcess::running() {
  if (exit_status_ || pid_ <= 0) return false;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == 0) return true;
  if (r == pid_) {
    exit_status_ = decode_wait_status(status);
  } else if (errno == EINTR) {
    return true;  // interrupted: ask again next time
  } else {
    exit_status_ = -1;  // ECHILD: someone else reaped it (e.g. SIGCHLD set to SIG_IGN)
  }
  return false;
}

std::string ScratchdProcess::log() const {
  std::ifstream in(log_path_, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace scratch::test

// Low-level fork/execve of a child process with a scrubbed environment, for launching scratchd.
#include "support/spawn.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string_view>

extern char** environ;

namespace scratch::test {
namespace {

std::string resolve_program(const std::string& program) {
  if (program.find('/') != std::string::npos) return program;
  const char* path = std::getenv("PATH");
  std::string_view dirs = path ? path : "/usr/bin:/bin";
  while (true) {
    const auto colon = dirs.find(':');
    const std::string_view dir = dirs.substr(0, colon);
    std::string candidate(dir.empty() ? std::string_view(".") : dir);
    candidate += '/';
    candidate += program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    if (colon == std::string_view::npos) break;
    dirs.remove_prefix(colon + 1);
  }
  return program;  // execve will fail with ENOENT, which is reported to the caller
}

bool is_scrubbed(std::string_view name) {
  return name == "DATABASE_URL" || name == "PORT" || name == "SERVICE_TYPE" || name.starts_with("SCRATCH_");
}

// Reports errno to the parent through the exec-error pipe. Async-signal-safe.
[[noreturn]] void child_fail(int err_fd) {
  const int err = errno;
  [[maybe_unused]] auto n = ::write(err_fd, &err, sizeof err);
  ::_exit(127);
}

// Everything in here runs between fork and exec: only async-signal-safe calls, no allocation.
[[noreturn]] void exec_child(const char* program, char* const* argv, char* const* envp, const char* cwd,
                             const int (&fds)[3], int err_fd, int max_fd, pid_t parent) {
  auto fail = [err_fd] { child_fail(err_fd); };
  // Die with the thread that launched us; the getppid check closes the race with it dying first.
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) fail();
  if (::getppid() != parent) ::_exit(127);

  for (int target = 0; target < 3; ++target) {
    if (fds[target] == target) {
      if (::fcntl(target, F_SETFD, 0) != 0) fail();  // same fd: just drop O_CLOEXEC
    } else if (::dup2(fds[target], target) < 0) {
      fail();
    }
  }
  // Don't leak the test process's sockets (e.g. a TcpProxy listener) into the child.
  if (err_fd > 3) ::close_range(3, static_cast<unsigned>(err_fd - 1), 0);
  if (::close_range(static_cast<unsigned>(err_fd + 1), ~0U, 0) != 0) {
    for (int fd = err_fd + 1; fd < max_fd; ++fd)
      ::close(fd);
  }

  // Ignored signals survive exec; a server under test should see default handling.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig)
    ::sigaction(sig, &dfl, nullptr);
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);

  if (cwd && ::chdir(cwd) != 0) fail();
  ::execve(program, argv, envp);
  child_fail(err_fd);
}

}  // namespace

std::vector<std::string> child_environment(const std::map<std::string, std::string>& overrides) {
  std::map<std::string, std::string> vars;
  for (char** e = environ; e && *e; ++e) {
    const std::string_view entry(*e);
    const auto eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view name = entry.substr(0, eq);
    if (!is_scrubbed(name)) vars.emplace(name, entry.substr(eq + 1));
  }
  for (const auto& [name, value] : overrides)
    vars[name] = value;
  std::vector<std::string> out;
  out.reserve(vars.size());
  for (const auto& [name, value] : vars)
    out.push_back(name + "=" + value);
  return out;
}

int decode_wait_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

pid_t spawn_process(const SpawnSpec& spec) {
  // Build everything the child needs before fork: allocating afterwards could deadlock on a lock
  // held by another thread at the moment of the fork.
  const std::string program = resolve_program(spec.program);
  std::vector<std::string> arg_strings;
  arg_strings.reserve(spec.args.size() + 1);
  arg_strings.push_back(spec.program);
  arg_strings.insert(arg_strings.end(), spec.args.begin(), spec.args.end());
  std::vector<char*> argv;
  for (auto& a : arg_strings)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings = spec.env;
  std::vector<char*> envp;
  for (auto& e : env_strings)
    envp.push_back(e.data());
  envp.push_back(nullptr);

  int max_fd = 65536;  // fallback for kernels without close_range
  if (rlimit rl{}; ::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
                   rl.rlim_cur < static_cast<rlim_t>(max_fd)) {
    max_fd = static_cast<int>(rl.rlim_cur);
  }

  int devnull = -1;
  if (spec.stdin_fd < 0 || spec.stdout_fd < 0 || spec.stderr_fd < 0) {
    devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull < 0) throw std::runtime_error(std::string("open /dev/null: ") + std::strerror(errno));
  }
  const int fds[3] = {spec.stdin_fd >= 0 ? spec.stdin_fd : devnull,
                      spec.stdout_fd >= 0 ? spec.stdout_fd : devnull,
                      spec.stderr_fd >= 0 ? spec.stderr_fd : devnull};

  // exec failure is reported through this pipe; O_CLOEXEC makes a successful exec close it (EOF).
  int err_pipe[2];
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    const int err = errno;
    if (devnull >= 0) ::close(devnull);
    throw std::runtime_error(std::string("pipe2: ") + std::strerror(err));
  }

  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(err_pipe[0]);
    exec_child(program.c_str(), argv.data(), envp.data(), spec.cwd.empty() ? nullptr : spec.cwd.c_str(), fds,
               err_pipe[1], max_fd, parent);
  }
  const int fork_errno = errno;
  ::close(err_pipe[1]);
  if (devnull >= 0) ::close(devnull);
  if (pid < 0) {
    ::close(err_pipe[0]);
    throw std::runtime_error(std::string("fork: ") + std::strerror(fork_errno));
  }

  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(err_pipe[0], &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  ::close(err_pipe[0]);
  if (n == static_cast<ssize_t>(sizeof child_errno)) {
    int status;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    throw std::runtime_error("cannot execute " + program + " (cwd " + spec.cwd +
                             "): " + std::strerror(child_errno));
  }
  return pid;
}

}  // namespace scratch::test

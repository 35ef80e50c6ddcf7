#include "connectors/runner_pool.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <cstring>
#include <thread>

#include "connectors/runner_protocol.hpp"

extern char** environ;

namespace scratch::connectors {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

json error(const std::string& code, const std::string& message, bool retryable) {
  return {{"code", code}, {"message", message}, {"retryable", retryable}};
}

// Moves a descriptor above the runner's fixed fds (3, 4) so dup2 onto them never aliases it.
int high_fd(int fd) {
  const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 10);
  ::close(fd);
  return moved;
}

std::string describe_status(int status) {
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    return "killed by signal " + std::to_string(sig) + " (" + strsignal(sig) + ")";
  }
  if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
  return "stopped";
}

std::chrono::milliseconds backoff(int failures) {
  if (failures <= 0) return std::chrono::milliseconds(0);
  const long ms = 100L << std::min(failures - 1, 6);
  return std::chrono::milliseconds(std::min(ms, 5000L));
}

}  // namespace

RunnerPool::RunnerPool(Options options) : options_(std::move(options)) {
  slots_.resize(static_cast<std::size_t>(std::max(1, options_.size)));
  catalog_ = {{"plugins", json::array()}, {"rejected", json::array()}};
  // A write to a runner that just died must fail with EPIPE, not kill this process.
  ::signal(SIGPIPE, SIG_IGN);
}

RunnerPool::~RunnerPool() {
  std::lock_guard lock(mutex_);
  for (auto& slot : slots_) {
    if (slot.pid > 0) reap(slot, true);
  }
}

std::optional<std::string> RunnerPool::spawn(Slot& slot, Clock::time_point deadline) {
  if (slot.next_start > Clock::now()) {
    if (slot.next_start > deadline)
      return "the connector runner is restarting after repeated failures; retry shortly";
    std::this_thread::sleep_until(slot.next_start);
  }
  int to[2], from[2];
  if (::pipe2(to, O_CLOEXEC) != 0) return std::string("pipe: ") + std::strerror(errno);
  if (::pipe2(from, O_CLOEXEC) != 0) {
    ::close(to[0]);
    ::close(to[1]);
    return std::string("pipe: ") + std::strerror(errno);
  }
  for (int* fd : {&to[0], &to[1], &from[0], &from[1]})
    *fd = high_fd(*fd);

  std::vector<std::string> args = {options_.executable};
  args.insert(args.end(), options_.args.begin(), options_.args.end());
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    const std::string entry = *e;
    const auto eq = entry.find('=');
    if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  for (const auto& [k, v] : options_.env)
    env[k] = v;
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env)
    env_strings.push_back(k + "=" + v);
  std::vector<char*> argv, envp;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env_strings)
    envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, to[0], 3);
  posix_spawn_file_actions_adddup2(&actions, from[1], 4);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  posix_spawnattr_setsigmask(&attr, &none);  // the server blocks SIGTERM for sigwait; runners must not
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);  // a terminal's Ctrl-C is for the server, which stops runners itself
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, options_.executable.c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(to[0]);
  ::close(from[1]);
  if (rc != 0) {
    ::close(to[1]);
    ::close(from[0]);
    return "cannot start the connector runner " + options_.executable + ": " + std::strerror(rc);
  }
  slot.pid = pid;
  slot.to_runner = to[1];
  slot.from_runner = from[0];

  std::string frame;
  const auto hello_deadline = std::min(deadline, Clock::now() + options_.start_timeout);
  const ReadStatus status = read_frame(slot.from_runner, frame, hello_deadline);
  json hello = status == ReadStatus::ok ? json::parse(frame, nullptr, false) : json();
  if (status != ReadStatus::ok || !hello.is_object() || hello.value("type", "") != "hello") {
    const std::string why = reap(slot, true);
    ++slot.consecutive_failures;
    slot.next_start = Clock::now() + backoff(slot.consecutive_failures);
    return "the connector runner did not start (" + why + ")";
  }
  std::lock_guard lock(mutex_);
  catalog_ = {{"plugins", hello["plugins"]}, {"rejected", hello["rejected"]}};
  if (!catalog_logged_) {
    catalog_logged_ = true;
    for (const auto& p : catalog_["plugins"]) {
      spdlog::info("loaded plugin {} {} (ABI {}) from {}", p.value("name", ""), p.value("version", ""),
                   p.value("abi_version", 0), p.value("path", ""));
    }
    for (const auto& r : catalog_["rejected"]) {
      spdlog::warn("rejected plugin {}: {}", r.value("path", ""), r.value("reason", ""));
    }
    if (catalog_["plugins"].empty()) spdlog::warn("no connector plugins loaded");
  }
  return std::nullopt;
}

std::string RunnerPool::reap(Slot& slot, bool kill_first) {
  if (slot.to_runner >= 0) ::close(slot.to_runner);
  if (slot.from_runner >= 0) ::close(slot.from_runner);
  slot.to_runner = slot.from_runner = -1;
  std::string what = "gone";
  if (slot.pid > 0) {
    if (kill_first) ::kill(slot.pid, SIGKILL);
    int status = 0;
    if (::waitpid(slot.pid, &status, 0) == slot.pid) what = describe_status(status);
  }
  slot.pid = -1;
  return what;
}

void RunnerPool::start() {
  Slot* slot = nullptr;
  {
    std::lock_guard lock(mutex_);
    slot = &slots_[0];
    slot->busy = true;
  }
  const auto problem = spawn(*slot, Clock::now() + options_.start_timeout);
  {
    std::lock_guard lock(mutex_);
    slot->busy = false;
  }
  slot_free_.notify_one();
  if (problem) throw std::runtime_error(*problem);
}

json RunnerPool::catalog() const {
  std::lock_guard lock(mutex_);
  return catalog_;
}

std::optional<json> RunnerPool::spec(const std::string& connector) const {
  std::lock_guard lock(mutex_);
  for (const auto& p : catalog_["plugins"]) {
    if (p.value("name", "") == connector) return p["spec"];
  }
  return std::nullopt;
}

int RunnerPool::runner_restarts() const {
  std::lock_guard lock(mutex_);
  return restarts_;
}

CallResult RunnerPool::exchange(const std::string& what, json request, std::chrono::milliseconds timeout,
                                bool raw) {
  const auto deadline = Clock::now() + timeout;
  Slot* slot = nullptr;
  unsigned long id = 0;
  {
    std::unique_lock lock(mutex_);
    const bool got = slot_free_.wait_until(lock, deadline, [&] {
      for (auto& s : slots_) {
        if (!s.busy) return true;
      }
      return false;
    });
    if (!got) {
      return {false, error("connector_busy",
                           "every connector runner stayed busy; " + what + " was not started", true)};
    }
    // Prefer a running runner over starting another.
    for (auto& s : slots_) {
      if (!s.busy && (!slot || (slot->pid <= 0 && s.pid > 0))) slot = &s;
    }
    slot->busy = true;
    id = next_id_++;
  }
  auto release = [&](bool failed, const std::string& reason) {
    std::lock_guard lock(mutex_);
    if (failed) {
      ++slot->consecutive_failures;
      slot->next_start = Clock::now() + backoff(slot->consecutive_failures);
      ++restarts_;
      spdlog::warn("connector runner for {} failed: {}; it will be restarted", what, reason);
    } else {
      slot->consecutive_failures = 0;
    }
    slot->busy = false;
    slot_free_.notify_one();
  };

  if (slot->pid <= 0) {
    if (auto problem = spawn(*slot, deadline)) {
      release(false, "");
      return {false, error("connector_unavailable", *problem, true)};
    }
  }
  request["id"] = id;
  if (!write_frame(slot->to_runner, request.dump(-1, ' ', false, json::error_handler_t::replace))) {
    const std::string why = reap(*slot, true);
    release(true, why);
    return {false, error("connector_crashed",
                         "the connector runner was gone before " + what + " (" + why + ")", true)};
  }
  std::string frame;
  const ReadStatus status = read_frame(slot->from_runner, frame, deadline);
  if (status == ReadStatus::timeout) {
    reap(*slot, true);
    release(true, "deadline passed");
    return {false, error("connector_timeout",
                         what + " did not finish within " + std::to_string(timeout.count()) +
                             " ms; the call was stopped and its runner restarted",
                         true)};
  }
  if (status != ReadStatus::ok) {
    const std::string why = reap(*slot, true);
    release(true, why);
    return {false,
            error("connector_crashed", "the connector crashed during " + what + ": runner " + why, true)};
  }
  if (raw) {
    // The runner writes a success as {"id":N,"ok":true,"result":<the plugin's text>}: take the text as is.
    const std::string head = "{\"id\":" + std::to_string(id) + ",\"ok\":true,\"result\":";
    if (frame.size() > head.size() && frame.compare(0, head.size(), head) == 0 && frame.back() == '}') {
      release(false, "");
      CallResult r;
      r.ok = true;
      r.raw = frame.substr(head.size(), frame.size() - head.size() - 1);
      return r;
    }
  }
  json reply = json::parse(frame, nullptr, false);
  if (!reply.is_object() || reply.value("id", 0UL) != id) {
    // Out of step with this runner: start a fresh one rather than read the next reply as this one's.
    reap(*slot, true);
    release(true, "malformed reply");
    return {false, error("runner_protocol",
                         "the connector runner answered " + what + " with a malformed reply", true)};
  }
  if (reply.value("runner_exit", false)) {
    // A Lua call stuck past its limit: the runner sent this reply and ended itself (lua_watchdog.hpp).
    reap(*slot, true);
    std::lock_guard lock(mutex_);
    ++restarts_;
  }
  release(false, "");
  json script = nullptr;
  if (reply.contains("logs") || reply.contains("diagnostic")) {  // a Lua connector's extras
    script = {{"logs", reply.value("logs", json::array())},
              {"diagnostic", reply.value("diagnostic", json())}};
  }
  if (reply.value("ok", false)) {
    // Moved, not copied: a read page can be megabytes of JSON.
    CallResult r{true, reply.contains("result") ? std::move(reply["result"]) : json::object(), "", script};
    if (raw) {
      r.raw = r.value.dump();
      r.value = nullptr;
    }
    return r;
  }
  return {false, reply.value("error", error("plugin_error", "unknown error", false)), "", script};
}

}  // namespace scratch::connectors

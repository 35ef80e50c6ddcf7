#include "support/emulator_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "support/random_hex.hpp"
#include "support/spawn.hpp"

namespace scratch::test {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Reads the first line the emulator prints ("LISTENING <port>"), waiting at most `timeout`.
std::string read_first_line(int fd, std::chrono::milliseconds timeout) {
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (line.find('\n') == std::string::npos) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char buf[256];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    line.append(buf, static_cast<std::size_t>(n));
  }
  return line.substr(0, line.find('\n'));
}

}  // namespace

EmulatorProcess::EmulatorProcess(const std::string& service, const nlohmann::json& knobs, int seed) {
  const std::string script = std::string(SCRATCH_EMULATORS_DIR) + "/" + service + "/emulator.py";
  SpawnSpec spec;
  spec.program = "python3";
  spec.args = {"-u", script, "--port", "0"};
  if (seed > 0) spec.args.insert(spec.args.end(), {"--seed", std::to_string(seed)});
  for (const auto& [name, value] : knobs.items())
    spec.args.insert(spec.args.end(), {"--knob", name + "=" + value.dump()});
  spec.env = child_environment({});
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  stderr_path_ = "/tmp/emulator-" + service + "-" + random_hex(6) + ".err";
  const int err = ::open(stderr_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  spec.stdout_fd = out[1];
  spec.stderr_fd = err;
  pid_ = spawn_process(spec);
  ::close(out[1]);
  if (err >= 0) ::close(err);
  const std::string line = read_first_line(out[0], std::chrono::seconds(10));
  ::close(out[0]);
  if (line.rfind("LISTENING ", 0) == 0) port_ = std::stoi(line.substr(10));
  if (port_ <= 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
    throw std::runtime_error("the " + service + " emulator did not start (" + script +
                             "): " + read_file(stderr_path_));
  }
}

EmulatorProcess::~EmulatorProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  // Keep the stderr file only when the emulator wrote something (a traceback is worth reading).
  if (read_file(stderr_path_).empty()) ::unlink(stderr_path_.c_str());
}

nlohmann::json EmulatorProcess::control(const std::string& method, const std::string& name,
                                        const nlohmann::json& body) const {
  const HttpClient http(base_url());
  const auto r = body.is_null() ? http.request(method, "/_emulator/" + name)
                                : http.request(method, "/_emulator/" + name, body.dump(),
                                               {{"Content-Type", "application/json"}});
  if (r.status != 200) {
    throw std::runtime_error("emulator " + method + " /_emulator/" + name + " -> " +
                             std::to_string(r.status) + ": " + r.body);
  }
  return r.json();
}

nlohmann::json EmulatorProcess::knobs(const nlohmann::json& changes) const {
  return control("POST", "knobs", changes);
}
nlohmann::json EmulatorProcess::state() const {
  return control("GET", "state");
}
nlohmann::json EmulatorProcess::stats() const {
  return control("GET", "stats");
}
nlohmann::json EmulatorProcess::requests() const {
  return control("GET", "requests");
}
nlohmann::json EmulatorProcess::seed(const nlohmann::json& options) const {
  return control("POST", "seed", options);
}
void EmulatorProcess::reset_log() const {
  control("POST", "reset-log", nlohmann::json::object());
}

}  // namespace scratch::test

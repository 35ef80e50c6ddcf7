// Runs the real scratchd binary as a subprocess: one-shot CLI invocations and long-running servers.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/temp_dir.hpp"

// The build passes the binary's path as -DSCRATCHD_BIN="..."; without it callers must pass `bin`.
#ifdef SCRATCHD_BIN
#define SCRATCH_TEST_DEFAULT_BIN SCRATCHD_BIN
#else
#define SCRATCH_TEST_DEFAULT_BIN ""
#endif

namespace scratch::test {

struct CliResult {
  int exit_code = -1;  // exit code, or 128+signal
  std::string out;
  std::string err;
};

// Runs `bin args...` to completion with cwd = a fresh temp dir (removed afterwards), stdin fed from
// stdin_text, and the parent environment minus DATABASE_URL/PORT/SERVICE_TYPE/SCRATCH_* plus `env`.
// Nothing else is added (no secrets), so tests can check how scratchd handles missing config.
// After 60 s the child is SIGKILLed (exit_code 137) and a note is appended to err.
CliResult run_scratchd_cli(std::vector<std::string> args, std::map<std::string, std::string> env,
                           std::string stdin_text = "", std::string bin = SCRATCH_TEST_DEFAULT_BIN);

// A scratchd server with its own port, temp dir and secrets. Not copyable or movable: hold it in a
// std::optional/unique_ptr to restart. Create it from the test's main thread: the child is killed
// when the creating thread exits (PR_SET_PDEATHSIG), which is what cleans up after a crashed test.
class ScratchdProcess {
 public:
  struct Options {
    std::string database_url;  // becomes DATABASE_URL unless empty
    std::vector<std::string> args = {"serve"};
    std::map<std::string, std::string> env;  // extra/overriding env (wins over everything set here)
    std::string bin = SCRATCH_TEST_DEFAULT_BIN;
    bool wait_ready = true;  // wait up to 20 s for GET /healthz == 200
  };

  // Temp dir layout: <tmp>/ is the cwd and holds scratchd.log; <tmp>/data is SCRATCH_DATA_DIR.
  // Throws std::runtime_error (with the log's tail) if the server exits or isn't ready in time.
  explicit ScratchdProcess(Options options);
  ~ScratchdProcess();  // stop() if running; removes the temp dir

  ScratchdProcess(const ScratchdProcess&) = delete;
  ScratchdProcess& operator=(const ScratchdProcess&) = delete;

  int port() const { return port_; }
  std::string base_url() const;
  HttpClient client() const;
  pid_t pid() const { return pid_; }

  // SIGTERM, then SIGKILL after `grace`. Returns the exit code, or 128+signal. Idempotent.
  int stop(std::chrono::seconds grace = std::chrono::seconds(10));
  void send_signal(int sig);  // no-op once the process has been reaped
  bool running();             // non-blocking; reaps the process if it has exited
  std::optional<int> exit_status() const { return exit_status_; }  // set once reaped

  std::string log() const;  // stdout+stderr so far
  const std::string& log_path() const { return log_path_; }
  const std::string& data_dir() const { return data_dir_; }

 private:
  void wait_ready(std::chrono::seconds timeout);
  [[noreturn]] void fail_start(const std::string& why);

  TempDir dir_;
  std::string data_dir_;
  std::string log_path_;
  int port_ = 0;
  pid_t pid_ = -1;
  std::optional<int> exit_status_;
};

}  // namespace scratch::test

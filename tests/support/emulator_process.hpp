// Runs one of our SaaS emulators (tests/emulators/<service>/emulator.py) as a child process on a free port,
// and talks to its /_emulator/ control endpoints.
#pragma once

#include <sys/types.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/http_client.hpp"

// The build passes the emulators' folder as -DSCRATCH_EMULATORS_DIR="...".
#ifndef SCRATCH_EMULATORS_DIR
#define SCRATCH_EMULATORS_DIR ""
#endif

namespace scratch::test {

class EmulatorProcess {
 public:
  // `service`: the folder name under tests/emulators (e.g. "airtable"). `knobs` are set at start;
  // `seed` > 0 seeds the default table with that many records. Throws std::runtime_error (with the
  // emulator's stderr) if it does not start within 10 s. Create it from the test's main thread.
  explicit EmulatorProcess(const std::string& service, const nlohmann::json& knobs = nlohmann::json::object(),
                           int seed = 0);
  ~EmulatorProcess();
  EmulatorProcess(const EmulatorProcess&) = delete;
  EmulatorProcess& operator=(const EmulatorProcess&) = delete;

  int port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // The control endpoints; each throws std::runtime_error on a non-200 answer.
  nlohmann::json knobs(const nlohmann::json& changes) const;  // POST /_emulator/knobs
  nlohmann::json state() const;                               // GET /_emulator/state
  nlohmann::json stats() const;                               // GET /_emulator/stats
  nlohmann::json requests() const;                            // GET /_emulator/requests
  nlohmann::json seed(const nlohmann::json& options) const;   // POST /_emulator/seed
  void reset_log() const;                                     // POST /_emulator/reset-log

 private:
  nlohmann::json control(const std::string& method, const std::string& name,
                         const nlohmann::json& body = nullptr) const;

  pid_t pid_ = -1;
  int port_ = 0;
  std::string stderr_path_;
};

}  // namespace scratch::test

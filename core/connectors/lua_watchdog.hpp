// Holds the Lua wall-clock limit where the sandbox's count hook cannot: one C call (a pathological pattern
// match) runs without a counted instruction, so the hook never gets to stop it. Armed around every call in
// the connector-runner process; when a call outlives its deadline the watchdog sends the reply prepared
// for that case (a limit error naming the call, with whatever the request had done before) and ends the
// runner process. The pool sees "runner_exit" and starts a fresh runner for the next call.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

namespace scratch::connectors {

class LuaWatchdog {
 public:
  using Clock = std::chrono::steady_clock;
  // send: writes one reply frame to the host (called on the watchdog's thread, right before the exit).
  explicit LuaWatchdog(std::function<void(const std::string&)> send);
  ~LuaWatchdog();
  LuaWatchdog(const LuaWatchdog&) = delete;
  LuaWatchdog& operator=(const LuaWatchdog&) = delete;

  // From now until disarm(): past `deadline`, send `reply` (with "runner_exit": true) and _exit the process.
  void arm(Clock::time_point deadline, nlohmann::json reply);
  void disarm();

 private:
  void watch();

  std::function<void(const std::string&)> send_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool armed_ = false;
  bool stopping_ = false;
  Clock::time_point deadline_{};
  nlohmann::json reply_;
  std::thread thread_;  // last: started once the members above exist
};

}  // namespace scratch::connectors

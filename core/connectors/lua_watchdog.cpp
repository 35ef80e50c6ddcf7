#include "connectors/lua_watchdog.hpp"

#include <unistd.h>

namespace scratch::connectors {

LuaWatchdog::LuaWatchdog(std::function<void(const std::string&)> send)
    : send_(std::move(send)), thread_([this] { watch(); }) {}

LuaWatchdog::~LuaWatchdog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void LuaWatchdog::arm(Clock::time_point deadline, nlohmann::json reply) {
  {
    std::lock_guard lock(mutex_);
    armed_ = true;
    deadline_ = deadline;
    reply_ = std::move(reply);
  }
  changed_.notify_all();
}

void LuaWatchdog::disarm() {
  // Under the lock: once the watchdog has decided to fire, this waits for the exit, so the stuck call's own
  // reply (had it finished just then) is never sent after the watchdog's.
  std::lock_guard lock(mutex_);
  armed_ = false;
}

void LuaWatchdog::watch() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (!armed_) {
      changed_.wait(lock);
      continue;
    }
    if (Clock::now() < deadline_) {
      changed_.wait_until(lock, deadline_);
      continue;
    }
    reply_["runner_exit"] = true;
    send_(reply_.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    ::_exit(0);  // the script's thread is stuck in C code: only ending the process stops it
  }
}

}  // namespace scratch::connectors

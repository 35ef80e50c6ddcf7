// Delivers committed events to connected SSE clients of this instance. One thread LISTENs on the
// scratch_events channel; on a notification (or every poll interval, in case one was missed) it reads the
// new rows of the event log and hands each to the subscriptions of that event's user. It also sends
// heartbeat comments and drops clients that left or stopped reading. Works the same with many instances:
// each has its own bus and every commit notifies all of them.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "db/connection_pool.hpp"
#include "events/event_log.hpp"
#include "http/stream_sink.hpp"

namespace scratch::events {

struct Subscription {
  std::string user_id;
  std::string entity_id;  // empty: every event of the user
  std::shared_ptr<http::StreamSink> sink;
  std::set<std::string>
      closing_kinds;  // an event of one of these kinds ends the stream (e.g. a finished job)
  long long last_sent = 0;
  bool done = false;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  bool replaying = false;  // live events wait in `pending` until the replay has caught up
  std::vector<Event> pending;
  std::mutex mutex;  // guards the fields above; never held while taking the bus's own lock
};

class EventBus {
 public:
  struct Options {
    std::chrono::milliseconds poll{1000};
    std::chrono::seconds heartbeat{15};
    // Streams end (cleanly, between events) after this long and clients reconnect with Last-Event-ID:
    // Pistache answers a request still open after its header timeout with a 408 written into the stream.
    std::chrono::seconds max_stream_age{100};
  };
  EventBus(db::ConnectionPool& pool, std::string database_url, Options options);
  ~EventBus();
  void start();
  void stop();

  // Registers the subscription, replays stored events after `last_event_id` (Last-Event-ID), then keeps
  // it live. Returns false when the stream already ended during replay.
  // With `replay`, events after `last_event_id` are replayed even when it is 0 (a stream that always starts
  // at a known point, such as one agent run's).
  bool subscribe(const std::shared_ptr<Subscription>& subscription, long long last_event_id,
                 bool replay = false);
  std::size_t subscribers() const;

 private:
  void run();
  void deliver_new();
  void heartbeat();
  // Sends events newer than the subscription's last_sent (caller holds its mutex). False: drop it.
  bool send(Subscription& s, const Event& e);

  db::ConnectionPool& pool_;
  std::string database_url_;
  Options options_;
  mutable std::mutex mutex_;
  std::multimap<std::string, std::shared_ptr<Subscription>> by_user_;
  long long cursor_ = 0;  // highest seq the bus has read
  std::atomic<bool> stopping_{false};
  std::atomic<bool> wake_{false};
  std::thread thread_;
};

}  // namespace scratch::events

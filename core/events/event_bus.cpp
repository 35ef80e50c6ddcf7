#include "events/event_bus.hpp"

#include <spdlog/spdlog.h>
#include <pqxx/pqxx>

#include "db/transaction.hpp"

namespace scratch::events {
namespace {

class Listener : public pqxx::notification_receiver {
 public:
  Listener(pqxx::connection_base& c, std::atomic<bool>& wake)
      : pqxx::notification_receiver(c, kChannel), wake_(wake) {}
  void operator()(const std::string&, int) override { wake_ = true; }

 private:
  std::atomic<bool>& wake_;
};

}  // namespace

EventBus::EventBus(db::ConnectionPool& pool, std::string database_url, Options options)
    : pool_(pool), database_url_(std::move(database_url)), options_(options) {}

EventBus::~EventBus() {
  stop();
}

void EventBus::start() {
  cursor_ = db::with_read(pool_, [](pqxx::read_transaction& tx) {
    return tx.exec1("SELECT coalesce(max(seq), 0) FROM events")[0].as<long long>();
  });
  thread_ = std::thread([this] { run(); });
}

void EventBus::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mutex_);
  for (auto& [user, s] : by_user_)
    s->sink->close();
  by_user_.clear();
}

std::size_t EventBus::subscribers() const {
  std::lock_guard lock(mutex_);
  return by_user_.size();
}

bool EventBus::send(Subscription& s, const Event& e) {
  if (s.done || e.seq <= s.last_sent) return !s.done;
  if (!s.entity_id.empty() && e.entity_id != s.entity_id) return true;
  if (!s.sink->send(sse_frame(e))) {
    s.done = true;
    return false;
  }
  s.last_sent = e.seq;
  if (s.closing_kinds.count(e.kind)) {
    s.done = true;
    s.sink->close();
    return false;
  }
  return true;
}

bool EventBus::subscribe(const std::shared_ptr<Subscription>& s, long long last_event_id, bool replay) {
  if (last_event_id <= 0 && !replay) {
    std::lock_guard lock(mutex_);
    s->last_sent = cursor_;  // a fresh client hears what happens from now on
    by_user_.emplace(s->user_id, s);
    return true;
  }
  {
    std::lock_guard sub_lock(s->mutex);
    s->replaying = true;
    s->last_sent = std::max(0LL, last_event_id);
  }
  {
    std::lock_guard lock(mutex_);
    by_user_.emplace(s->user_id, s);
  }
  // Replay what the client missed from the log; events arriving meanwhile queue in `pending`.
  for (;;) {
    long long from;
    {
      std::lock_guard sub_lock(s->mutex);
      from = s->last_sent;
    }
    const auto batch = db::with_read(pool_, [&](pqxx::read_transaction& tx) {
      return read_after(tx, from, s->user_id, s->entity_id, 500);
    });
    {
      std::lock_guard sub_lock(s->mutex);
      for (const auto& e : batch) {
        if (!send(*s, e)) return false;
      }
    }
    if (batch.size() < 500) break;
  }
  std::lock_guard sub_lock(s->mutex);
  for (const auto& e : s->pending) {
    if (!send(*s, e)) break;
  }
  s->pending.clear();
  s->replaying = false;
  return !s->done;
}

void EventBus::deliver_new() {
  std::vector<Event> batch;
  {
    batch = db::with_read(pool_,
                          [&](pqxx::read_transaction& tx) { return read_after(tx, cursor_, "", "", 1000); });
  }
  if (batch.empty()) return;
  std::lock_guard lock(mutex_);
  for (const auto& e : batch) {
    cursor_ = std::max(cursor_, e.seq);
    auto [begin, end] = by_user_.equal_range(e.user_id);
    for (auto it = begin; it != end;) {
      bool keep;
      {
        Subscription& sub = *it->second;
        std::lock_guard sub_lock(sub.mutex);
        if (sub.replaying) {
          sub.pending.push_back(e);
          if (sub.pending.size() > 10000)
            sub.done = true;  // a replay this far behind: let the client reconnect
        } else {
          send(sub, e);
        }
        keep = !sub.done;
      }
      it = keep ? std::next(it) : by_user_.erase(it);
    }
  }
  if (batch.size() == 1000) wake_ = true;  // more to read
}

void EventBus::heartbeat() {
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  for (auto it = by_user_.begin(); it != by_user_.end();) {
    bool alive;
    {
      auto& s = *it->second;
      std::lock_guard sub_lock(s.mutex);
      alive = !s.done && (s.replaying || s.sink->send(": heartbeat\n\n"));
      if (alive && !s.replaying && now - s.started > options_.max_stream_age) {
        s.sink->send("retry: 1000\n\n");  // reconnect soon; Last-Event-ID resumes without a gap
        s.sink->close();
        alive = false;
      }
      if (!alive) s.done = true;
    }
    it = alive ? std::next(it) : by_user_.erase(it);
  }
}

void EventBus::run() {
  auto last_heartbeat = std::chrono::steady_clock::now();
  auto last_poll = last_heartbeat;
  while (!stopping_) {
    try {
      pqxx::connection listen_conn{database_url_};
      Listener listener(listen_conn, wake_);
      deliver_new();  // anything committed while we were (re)connecting
      while (!stopping_) {
        listen_conn.await_notification(0, 200000);  // wakes on NOTIFY or after 200 ms
        const auto now = std::chrono::steady_clock::now();
        if (wake_.exchange(false) || now - last_poll >= options_.poll) {
          last_poll = now;
          deliver_new();
        }
        if (now - last_heartbeat >= options_.heartbeat) {
          last_heartbeat = now;
          heartbeat();
        }
      }
    } catch (const std::exception& e) {
      spdlog::warn("event bus lost its database connection: {}; reconnecting", e.what());
      for (int i = 0; i < 10 && !stopping_; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

}  // namespace scratch::events

// What chat and builder runs share: the run in flight, its events, its usage bookkeeping and the model
// endpoint it talks to. Internal to core/agent.
#pragma once

#include <atomic>
#include <nlohmann/json.hpp>
#include <string>

#include "agent/agent_runs.hpp"
#include "agent/chat_client.hpp"
#include "db/connection_pool.hpp"

namespace scratch::agent {

struct AgentRuns::Run {
  std::string id;
  std::string user_id;
  std::string kind;  // chat | builder
  std::string session_id;
  std::string snapshot_id;
  std::string model;
  nlohmann::json request;
  std::vector<std::string> capabilities;
  int max_steps = 20;
  ChatEndpoint endpoint;
  long long token_warning = 0;
  std::atomic<bool> cancel{false};
  std::atomic<bool> done{false};
  // Progress.
  int steps = 0;
  long long prompt_tokens = 0, completion_tokens = 0;
  bool warned = false;
};

// Thrown inside a run to end it with this error (state failed) or as cancelled.
struct RunFailure {
  std::string code;
  std::string message;
};
struct RunCancelled {};

// Appends a progress event to the run's stream (committed at once).
void run_event(db::ConnectionPool& pool, const AgentRuns::Run& run, const std::string& kind,
               nlohmann::json data);

// A model call with the run's bookkeeping: cancel checks, usage recorded on the run and per user, model and
// day, the usage warning once past the limit. Model errors end the run (RunFailure).
ChatReply call_model(db::ConnectionPool& pool, const ChatClient& chat, AgentRuns::Run& run,
                     const nlohmann::json& request);

// Throws RunCancelled when the run was cancelled (here or, via the database, on another instance).
void check_cancelled(db::ConnectionPool& pool, AgentRuns::Run& run);

// The first `max` characters of a text (whole UTF-8 characters), with a note of what was cut.
std::string clip(const std::string& text, std::size_t max);

}  // namespace scratch::agent

// Agent runs inside scratchd: a chat run (a tool-calling loop on one snapshot, against an OpenAI-compatible
// model) or a builder run (drafts of a Lua connector, validated and tested after each until they pass).
// Runs execute on threads of this instance; their state, history, progress events (topic "agent", one
// entity per run, streamed over SSE) and token usage live in PostgreSQL. Every write a chat run makes goes
// through the agent tools with the run's capabilities, so it is a suggestion; a run can never publish.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "agent/chat_client.hpp"
#include "auth/principal.hpp"
#include "crypto/secret_box.hpp"
#include "db/connection_pool.hpp"
#include "net/address_policy.hpp"

namespace scratch::custom_connectors {
class CustomConnectorService;
}

namespace scratch::agent {

class AgentTools;
class ReferenceLibrary;

struct AgentRunOptions {
  std::string base_url;  // the deployment's endpoint and key (a user's own settings win)
  std::string api_key;
  std::string default_model;
  int max_steps = 20;
  int history_tokens = 24000;
  long long token_warning = 0;  // per user per month; 0: none unless the user sets one
  net::AddressPolicy user_endpoint_policy;
  int max_concurrent = 8;
  std::size_t max_tool_result_chars = 20000;
};

class AgentRuns {
 public:
  AgentRuns(db::ConnectionPool& pool, AgentTools& tools, ReferenceLibrary& library,
            custom_connectors::CustomConnectorService& connectors, const ChatClient& chat,
            crypto::SecretBox box, AgentRunOptions options);
  ~AgentRuns();  // cancels what runs here and waits for it
  AgentRuns(const AgentRuns&) = delete;
  AgentRuns& operator=(const AgentRuns&) = delete;

  // 202 bodies {run, session}; ApiError for bad input (nothing is created then).
  nlohmann::json start_chat(const std::string& user_id, const std::string& snapshot_id,
                            const nlohmann::json& body);
  nlohmann::json start_builder(const std::string& user_id, const nlohmann::json& body);

  nlohmann::json get(const std::string& user_id, const std::string& run_id);
  nlohmann::json list(const std::string& user_id, const std::string& snapshot_id, const std::string& kind);
  nlohmann::json cancel(const std::string& user_id, const std::string& run_id);
  nlohmann::json sessions(const std::string& user_id, const std::string& snapshot_id);
  nlohmann::json session(const std::string& user_id, const std::string& session_id);
  nlohmann::json usage(const std::string& user_id);

  nlohmann::json settings(const std::string& user_id);
  nlohmann::json put_settings(const std::string& user_id, const nlohmann::json& body);

  struct Run;  // one run in flight (agent_runs.cpp)

 private:
  void launch(std::shared_ptr<Run> run);
  void execute(const std::shared_ptr<Run>& run);
  void execute_chat(Run& run);
  void execute_builder(Run& run);
  void reap_finished();

  db::ConnectionPool& pool_;
  AgentTools& tools_;
  ReferenceLibrary& library_;
  custom_connectors::CustomConnectorService& connectors_;
  const ChatClient& chat_;
  crypto::SecretBox box_;
  AgentRunOptions options_;

  struct Worker {
    std::shared_ptr<Run> run;
    std::thread thread;
  };
  std::mutex mutex_;
  std::map<std::string, Worker> workers_;  // by run id
  bool stopping_ = false;
};

}  // namespace scratch::agent

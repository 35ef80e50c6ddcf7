#include <pqxx/pqxx>

#include "agent/run_internal.hpp"
#include "db/transaction.hpp"
#include "events/event_log.hpp"

namespace scratch::agent {

using nlohmann::json;

void run_event(db::ConnectionPool& pool, const AgentRuns::Run& run, const std::string& kind, json data) {
  data["run_id"] = run.id;
  db::with_transaction(pool, [&](pqxx::work& tx) {
    events::publish(tx, run.user_id, "agent", run.id, kind, data);
    tx.exec_params("UPDATE agent_runs SET heartbeat_at = now() WHERE id = $1::uuid", run.id);
    return 0;
  });
}

void check_cancelled(db::ConnectionPool& pool, AgentRuns::Run& run) {
  if (run.cancel) throw RunCancelled{};
  const bool asked = db::with_read(pool, [&](pqxx::read_transaction& tx) {
    return tx.exec_params1("SELECT cancel_requested FROM agent_runs WHERE id = $1::uuid", run.id)[0]
        .as<bool>();
  });
  if (asked) {
    run.cancel = true;
    throw RunCancelled{};
  }
}

std::string clip(const std::string& text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
    --cut;
  return text.substr(0, cut) + "... [" + std::to_string(text.size() - cut) + " more characters cut]";
}

ChatReply call_model(db::ConnectionPool& pool, const ChatClient& chat, AgentRuns::Run& run,
                     const json& request) {
  check_cancelled(pool, run);
  ChatReply reply;
  try {
    reply = chat.complete(run.endpoint, request, [&run] { return run.cancel.load(); });
  } catch (const ChatError& e) {
    if (e.code == "cancelled") throw RunCancelled{};
    throw RunFailure{e.code, e.what()};
  }
  run.prompt_tokens += reply.prompt_tokens;
  run.completion_tokens += reply.completion_tokens;
  const long long month_total = db::with_transaction(pool, [&](pqxx::work& tx) {
    tx.exec_params(
        "UPDATE agent_runs SET usage = jsonb_build_object('prompt_tokens', $2::bigint, 'completion_tokens', "
        "$3::bigint, 'total_tokens', $2::bigint + $3::bigint, 'model_calls', $4::int) WHERE id = $1::uuid",
        run.id, run.prompt_tokens, run.completion_tokens, run.steps);
    tx.exec_params(
        "INSERT INTO agent_usage (user_id, model, day, prompt_tokens, completion_tokens, requests) "
        "VALUES ($1::uuid, $2, current_date, $3, $4, 1) ON CONFLICT (user_id, model, day) DO UPDATE SET "
        "prompt_tokens = agent_usage.prompt_tokens + EXCLUDED.prompt_tokens, completion_tokens = "
        "agent_usage.completion_tokens + EXCLUDED.completion_tokens, requests = agent_usage.requests + 1",
        run.user_id, run.model, reply.prompt_tokens, reply.completion_tokens);
    return tx
        .exec_params1(
            "SELECT COALESCE(sum(prompt_tokens + completion_tokens), 0)::bigint FROM agent_usage WHERE "
            "user_id = $1::uuid AND day >= date_trunc('month', current_date)",
            run.user_id)[0]
        .as<long long>();
  });
  if (run.token_warning > 0 && month_total >= run.token_warning && !run.warned) {
    run.warned = true;
    run_event(pool, run, "agent.run.warning",
              {{"code", "token_warning"},
               {"message", "this month's agent usage (" + std::to_string(month_total) +
                               " tokens) passed the warning limit of " + std::to_string(run.token_warning)},
               {"used_tokens", month_total},
               {"limit_tokens", run.token_warning}});
  }
  return reply;
}

}  // namespace scratch::agent

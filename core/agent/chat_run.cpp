// A chat run: the tool-calling loop. The model sees a system prompt (the snapshot's tables, the rules, the
// style guides), a summary of old turns once the history passes its token budget, the recent history and
// the user's message; each tool call runs through the agent tools with the run's capabilities and its
// result (or error) goes back to the model, until it answers without calling a tool or the step budget ends.
#include <pqxx/pqxx>

#include "agent/agent_tools.hpp"
#include "agent/run_internal.hpp"
#include "db/transaction.hpp"
#include "http/problem.hpp"

namespace scratch::agent {
namespace {

using nlohmann::json;

constexpr const char* kSummaryMarker = "SUMMARY REQUEST";

std::string system_prompt(AgentTools& tools, const AgentRuns::Run& run) {
  auth::Principal p;
  p.user_id = run.user_id;
  const json tables = tools.call({p, run.snapshot_id}, "list_tables", json::object())["tables"];
  std::string text =
      "You are the data assistant of Scratch, working on the user's snapshot: tables copied from their tools "
      "(CMS, databases...). Use the tools to read records and to make changes. Every change you make is a "
      "suggestion the user reviews and accepts or rejects; you cannot publish anything. Work in small steps, "
      "check what you changed, and finish with a short plain-text answer saying what you did.\n\nTables:\n";
  for (const auto& t : tables) {
    text += "- " + t.value("name", std::string()) + " (id " + t.value("id", std::string()) + ", " +
            std::to_string(t.value("record_count", 0LL)) + " records): fields";
    for (const auto& f : t["fields"])
      text += " " + f.value("id", std::string()) + ":" + f.value("type", std::string());
    text += "\n";
  }
  for (const auto& g : run.request.value("style_guides", json::array()))
    text +=
        "\n## Style guide: " + g.value("name", std::string()) + "\n" + g.value("body", std::string()) + "\n";
  return text;
}

// The session's messages after what the summary covers, oldest first, with their numbers.
struct History {
  std::vector<std::pair<int, json>> messages;
  std::string summary;
  int next_n = 0;
};

History load_history(db::ConnectionPool& pool, const std::string& session_id) {
  return db::with_read(pool, [&](pqxx::read_transaction& tx) {
    History h;
    const auto s = tx.exec_params1(
        "SELECT summary, summarized_through FROM agent_sessions WHERE id = $1::uuid", session_id);
    h.summary = s[0].is_null() ? "" : s[0].as<std::string>();
    const int from = s[1].as<int>();
    for (const auto& r : tx.exec_params(
             "SELECT n, message::text FROM agent_messages WHERE session_id = $1::uuid AND n >= $2 ORDER BY n",
             session_id, from))
      h.messages.emplace_back(r[0].as<int>(), json::parse(r[1].c_str()));
    h.next_n =
        tx.exec_params1("SELECT COALESCE(max(n) + 1, 0) FROM agent_messages WHERE session_id = $1::uuid",
                        session_id)[0]
            .as<int>();
    return h;
  });
}

void append_message(db::ConnectionPool& pool, AgentRuns::Run& run, int& next_n, const json& message) {
  db::with_transaction(pool, [&](pqxx::work& tx) {
    tx.exec_params(
        "INSERT INTO agent_messages (session_id, n, run_id, message) VALUES ($1::uuid, $2, $3::uuid, "
        "$4::jsonb)",
        run.session_id, next_n, run.id, message.dump(-1, ' ', false, json::error_handler_t::replace));
    return 0;
  });
  ++next_n;
}

long long tokens_of(const json& message) {
  return estimate_tokens(message.dump());
}

std::string transcript_line(const json& m) {
  const std::string role = m.value("role", "");
  std::string line = role + ": ";
  if (m.contains("content") && m["content"].is_string()) line += m["content"].get<std::string>();
  if (m.contains("tool_calls") && m["tool_calls"].is_array())
    for (const auto& c : m["tool_calls"])
      line += " [called " + c["function"].value("name", std::string()) + " " +
              c["function"].value("arguments", std::string()) + "]";
  return clip(line, 2000);
}

// Past the budget, the oldest turns (whole turns: from a user message to the next) become a summary the
// model writes; the messages stay in the session for the transcript.
void summarize_if_needed(db::ConnectionPool& pool, const ChatClient& chat, AgentRuns::Run& run, History& h,
                         long long budget) {
  long long total = estimate_tokens(h.summary);
  for (const auto& [n, m] : h.messages)
    total += tokens_of(m);
  if (total <= budget || h.messages.empty()) return;
  // Keep the newest messages that fit half the budget, starting at a user message.
  long long kept = 0;
  std::size_t keep_from = h.messages.size();
  for (std::size_t i = h.messages.size(); i-- > 0;) {
    kept += tokens_of(h.messages[i].second);
    if (kept > budget / 2) break;
    if (h.messages[i].second.value("role", "") == "user") keep_from = i;
  }
  if (keep_from == 0) return;
  std::string text = std::string(kSummaryMarker) + "\n\n";
  if (!h.summary.empty()) text += "Earlier summary:\n" + h.summary + "\n\n";
  text += "Conversation to summarise:\n";
  for (std::size_t i = 0; i < keep_from; ++i)
    text += transcript_line(h.messages[i].second) + "\n";
  const json request = {
      {"model", run.model},
      {"messages",
       json::array({{{"role", "system"},
                     {"content",
                      "You summarise a conversation between a user and a data assistant for the "
                      "assistant's later use. Keep facts, record and table ids, decisions and open "
                      "tasks. Reply with the summary only."}},
                    {{"role", "user"}, {"content", text}}})}};
  ++run.steps;
  const ChatReply reply = call_model(pool, chat, run, request);
  const std::string summary = reply.message.value("content", json()).is_string()
                                  ? reply.message["content"].get<std::string>()
                                  : std::string();
  const int through = keep_from < h.messages.size() ? h.messages[keep_from].first : h.next_n;
  db::with_transaction(pool, [&](pqxx::work& tx) {
    tx.exec_params("UPDATE agent_sessions SET summary = $2, summarized_through = $3 WHERE id = $1::uuid",
                   run.session_id, summary, through);
    return 0;
  });
  run_event(pool, run, "agent.run.summarized", {{"summarized_through", through}, {"messages", keep_from}});
  h.summary = summary;
  h.messages.erase(h.messages.begin(), h.messages.begin() + static_cast<long>(keep_from));
}

// What a tool result looks like in the progress stream: short.
std::string summary_of(const json& result) {
  if (result.is_object()) {
    if (result.contains("records") && result["records"].is_array())
      return std::to_string(result["records"].size()) + " records";
    if (result.contains("tables") && result["tables"].is_array())
      return std::to_string(result["tables"].size()) + " tables";
    std::string out;
    for (const auto& [k, v] : result.items()) {
      if (!v.is_number() && !v.is_boolean()) continue;
      if (v.is_number() && v == 0) continue;  // "updated: 1", not "deleted: 0, updated: 1"
      out += (out.empty() ? "" : ", ") + k + ": " + v.dump();
    }
    if (!out.empty()) return out;
  }
  return clip(result.dump(), 200);
}

}  // namespace

void AgentRuns::execute_chat(Run& run) {
  History history = load_history(pool_, run.session_id);
  summarize_if_needed(pool_, chat_, run, history, options_.history_tokens);

  json messages = json::array({{{"role", "system"}, {"content", system_prompt(tools_, run)}}});
  if (!history.summary.empty())
    messages.push_back(
        {{"role", "system"}, {"content", "Summary of the earlier conversation:\n" + history.summary}});
  for (const auto& [n, m] : history.messages)
    messages.push_back(m);
  const json user_message = {{"role", "user"}, {"content", run.request["message"]}};
  messages.push_back(user_message);
  int next_n = history.next_n;
  append_message(pool_, run, next_n, user_message);

  // The run acts as an agent token would: the owner's id, this snapshot, the run's capabilities.
  auth::Principal agent;
  agent.user_id = run.user_id;
  agent.agent_token_id = "run:" + run.id;
  agent.agent_snapshot_id = run.snapshot_id;
  agent.agent_capabilities = run.capabilities;
  json tool_defs = json::array();
  for (const auto& t : tools_.describe(agent))
    tool_defs.push_back(
        {{"type", "function"},
         {"function",
          {{"name", t["name"]}, {"description", t["description"]}, {"parameters", t["input_schema"]}}}});

  for (int step = 1;; ++step) {
    if (step > run.max_steps)
      throw RunFailure{"step_budget_exhausted", "the model was still calling tools after " +
                                                    std::to_string(run.max_steps) +
                                                    " steps; the run was stopped"};
    ++run.steps;
    run_event(pool_, run, "agent.run.step", {{"step", step}});
    const ChatReply reply = call_model(
        pool_, chat_, run,
        {{"model", run.model}, {"messages", messages}, {"tools", tool_defs}, {"tool_choice", "auto"}});
    json assistant = {
        {"role", "assistant"},
        {"content",
         reply.message.value("content", json()).is_string() ? reply.message["content"] : json(nullptr)}};
    // The calls as the model sent them, made well-formed enough to run and to send back: an object each,
    // with an id (made up when missing) and a function {name, arguments}.
    json calls = json::array();
    if (reply.message.contains("tool_calls") && reply.message["tool_calls"].is_array()) {
      for (const auto& c : reply.message["tool_calls"]) {
        if (!c.is_object() || !c.contains("function") || !c["function"].is_object()) continue;
        json call = c;
        if (!call.contains("id") || !call["id"].is_string() || call["id"].get<std::string>().empty())
          call["id"] = "call_" + std::to_string(step) + "_" + std::to_string(calls.size());
        call["type"] = "function";
        if (!call["function"].contains("name") || !call["function"]["name"].is_string())
          call["function"]["name"] = "";
        calls.push_back(std::move(call));
      }
    }
    const bool has_calls = !calls.empty();
    if (has_calls) assistant["tool_calls"] = calls;
    messages.push_back(assistant);
    append_message(pool_, run, next_n, assistant);
    if (!has_calls) {
      const std::string answer =
          assistant["content"].is_string() ? assistant["content"].get<std::string>() : "";
      db::with_transaction(pool_, [&](pqxx::work& tx) {
        tx.exec_params("UPDATE agent_runs SET answer = $2 WHERE id = $1::uuid", run.id, answer);
        return 0;
      });
      run_event(pool_, run, "agent.run.answer", {{"content", answer}});
      return;
    }
    if (assistant["content"].is_string() && !assistant["content"].get<std::string>().empty())
      run_event(pool_, run, "agent.run.message", {{"content", assistant["content"]}});
    for (const auto& call : assistant["tool_calls"]) {
      check_cancelled(pool_, run);
      const std::string call_id = call.value("id", std::string());
      const json fn = call.value("function", json::object());
      const std::string name = fn.value("name", std::string());
      const std::string raw = fn.contains("arguments") && fn["arguments"].is_string()
                                  ? fn["arguments"].get<std::string>()
                              : fn.contains("arguments") ? fn["arguments"].dump()
                                                         : "{}";
      run_event(pool_, run, "agent.run.tool_call",
                {{"step", step}, {"call_id", call_id}, {"name", name}, {"arguments", clip(raw, 2000)}});
      json result;
      bool ok = true;
      const json args = raw.empty() ? json::object() : json::parse(raw, nullptr, false);
      if (args.is_discarded() || !args.is_object()) {
        ok = false;
        result = {{"error",
                   {{"code", "invalid_arguments"},
                    {"detail", "the arguments are not a JSON object: " + clip(raw, 200) +
                                   "; send them again as valid JSON matching the tool's schema"}}}};
      } else {
        try {
          result = tools_.call({agent, run.snapshot_id}, name, args);
        } catch (const http::ApiError& e) {
          ok = false;
          json problem = {{"code", e.code()}, {"detail", e.detail()}};
          for (const auto& [k, v] : e.extra().items())
            problem[k] = v;
          result = {{"error", problem}};
        }
      }
      const std::string content =
          clip(result.dump(-1, ' ', false, json::error_handler_t::replace), options_.max_tool_result_chars);
      const json tool_message = {{"role", "tool"}, {"tool_call_id", call_id}, {"content", content}};
      messages.push_back(tool_message);
      append_message(pool_, run, next_n, tool_message);
      json event = {{"step", step}, {"call_id", call_id}, {"name", name}, {"ok", ok}};
      if (ok)
        event["summary"] = summary_of(result);
      else
        event["error"] = result["error"];
      run_event(pool_, run, "agent.run.tool_result", event);
    }
  }
}

}  // namespace scratch::agent

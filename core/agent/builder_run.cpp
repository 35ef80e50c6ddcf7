// A builder run: the model drafts a Lua connector from a description and sample API responses; each draft
// is validated and test-run (the same validate and test the builder API offers) and the structured
// diagnostics go back to the model, until the test passes or the try budget is spent. The user gets the
// script, the last test report and the transcript; a passing script is saved as a version when named.
#include <pqxx/pqxx>

#include "agent/agent_tools.hpp"
#include "agent/run_internal.hpp"
#include "custom_connectors/custom_connector_service.hpp"
#include "db/transaction.hpp"
#include "http/problem.hpp"

namespace scratch::agent {
namespace {

using nlohmann::json;

// The script in a reply: the first ```lua fenced block (or any fenced block), else the whole reply when it
// looks like Lua.
std::string extract_script(const std::string& reply) {
  for (const char* fence : {"```lua", "```Lua", "```"}) {
    const auto start = reply.find(fence);
    if (start == std::string::npos) continue;
    const auto body = reply.find('\n', start);
    if (body == std::string::npos) continue;
    const auto end = reply.find("```", body + 1);
    return reply.substr(body + 1, end == std::string::npos ? std::string::npos : end - body - 1);
  }
  if (reply.find("function spec") != std::string::npos) return reply;
  return "";
}

// Only what the model needs to fix the script: the failing steps with their errors and logs.
json failing_steps(const json& report) {
  json out = json::array();
  for (const auto& step : report.value("steps", json::array())) {
    if (step.value("status", "") != "error") continue;
    out.push_back({{"name", step.value("name", "")},
                   {"error", step.value("error", json())},
                   {"logs", step.value("logs", json())}});
  }
  return out;
}

std::string samples_text(const json& samples) {
  if (samples.is_string()) return samples.get<std::string>();
  std::string out;
  for (const auto& s : samples) {
    if (s.is_string()) {
      out += s.get<std::string>() + "\n\n";
      continue;
    }
    if (s.contains("request"))
      out +=
          "Request: " + (s["request"].is_string() ? s["request"].get<std::string>() : s["request"].dump()) +
          "\n";
    if (s.contains("url")) out += "URL: " + s.value("url", std::string()) + "\n";
    if (s.contains("status")) out += "Status: " + s["status"].dump() + "\n";
    if (s.contains("body"))
      out += "Body:\n" + (s["body"].is_string() ? s["body"].get<std::string>() : s["body"].dump(2)) + "\n";
    out += "\n";
  }
  return out;
}

}  // namespace

void AgentRuns::execute_builder(Run& run) {
  const json& req = run.request;
  const json contract = connectors_.contract();
  json transcript = json::array();
  json messages = json::array(
      {{{"role", "system"},
        {"content",
         "You write custom connectors for Scratch: Lua 5.4 scripts run in a sandbox, following this "
         "contract (JSON):\n" +
             contract.dump() +
             "\n\nReply with the complete script in one ```lua fenced block and nothing else of "
             "substance. After each draft you get the validation and test diagnostics; fix every "
             "error they name and reply with the whole script again."}},
       {{"role", "user"},
        {"content",
         "Write a connector for: " + req.value("description", std::string()) +
             (req.contains("samples") ? "\n\nSample API responses:\n" + samples_text(req["samples"]) : "") +
             "\n\nThe test config will be: " + req.value("config", json::object()).dump() +
             (req.contains("table") ? "\nThe table to read first: " + req.value("table", std::string())
                                    : "")}}});
  for (const auto& m : messages)
    transcript.push_back(m);

  json last_script = nullptr, last_validation = nullptr, last_report = nullptr;
  auth::Principal owner;
  owner.user_id = run.user_id;
  for (int attempt = 1; attempt <= run.max_steps; ++attempt) {
    ++run.steps;
    run_event(pool_, run, "agent.run.step", {{"step", attempt}});
    const ChatReply reply = call_model(pool_, chat_, run, {{"model", run.model}, {"messages", messages}});
    const std::string content =
        reply.message.value("content", json()).is_string() ? reply.message["content"].get<std::string>() : "";
    const json assistant = {{"role", "assistant"}, {"content", content}};
    messages.push_back(assistant);
    transcript.push_back(assistant);
    const std::string script = extract_script(content);
    std::string feedback;
    json event = {{"try", attempt}};
    if (script.empty()) {
      feedback =
          "Your reply contained no ```lua block. Reply with the complete script in one ```lua fenced block.";
      event["valid"] = false;
      event["problem"] = "no script in the reply";
    } else {
      last_script = script;
      last_validation = connectors_.validate(run.user_id, {{"script", script}});
      event["valid"] = last_validation.value("valid", false);
      if (!last_validation.value("valid", false)) {
        feedback = "The script does not validate. Errors (JSON):\n" + last_validation["errors"].dump() +
                   "\nFix them and reply with the whole script.";
        event["errors"] = last_validation["errors"];
      } else {
        json test = {{"script", script},
                     {"config", req.value("config", json::object())},
                     {"credentials", req.value("credentials", json::object())}};
        if (req.contains("table")) test["table"] = req["table"];
        last_report = connectors_.test(run.user_id, test);
        event["test_ok"] = last_report.value("ok", false);
        if (last_report.value("ok", false)) {
          run_event(pool_, run, "agent.run.draft", event);
          json result = {{"script", script},    {"validation", last_validation},
                         {"test", last_report}, {"transcript", transcript},
                         {"tries", attempt},    {"connector", nullptr}};
          if (req.contains("name")) {
            const json saved = tools_.call({owner, ""}, "save_connector_version",
                                           {{"name", req["name"]}, {"script", script}});
            result["connector"] = saved;
          }
          db::with_transaction(pool_, [&](pqxx::work& tx) {
            tx.exec_params("UPDATE agent_runs SET result = $2::jsonb, answer = $3 WHERE id = $1::uuid",
                           run.id, result.dump(-1, ' ', false, json::error_handler_t::replace),
                           "the connector passed its test on try " + std::to_string(attempt));
            return 0;
          });
          return;
        }
        feedback = "The script validates but its test failed. Failing steps (JSON):\n" +
                   failing_steps(last_report).dump() + "\nFix them and reply with the whole script.";
        event["failing_steps"] = failing_steps(last_report);
      }
    }
    run_event(pool_, run, "agent.run.draft", event);
    const json user = {{"role", "user"}, {"content", feedback}};
    messages.push_back(user);
    transcript.push_back(user);
  }
  const json result = {{"script", last_script},    {"validation", last_validation}, {"test", last_report},
                       {"transcript", transcript}, {"tries", run.max_steps},        {"connector", nullptr}};
  db::with_transaction(pool_, [&](pqxx::work& tx) {
    tx.exec_params("UPDATE agent_runs SET result = $2::jsonb WHERE id = $1::uuid", run.id,
                   result.dump(-1, ' ', false, json::error_handler_t::replace));
    return 0;
  });
  throw RunFailure{"try_budget_exhausted",
                   "no draft passed its test in " + std::to_string(run.max_steps) + " tries"};
}

}  // namespace scratch::agent

#include "agent/agent_runs.hpp"

#include <spdlog/spdlog.h>

#include <pqxx/pqxx>

#include "agent/reference_library.hpp"
#include "agent/run_internal.hpp"
#include "auth/user_store.hpp"
#include "db/transaction.hpp"
#include "events/event_log.hpp"
#include "http/problem.hpp"
#include "http/validation.hpp"
#include "snapshots/agent_capabilities.hpp"

namespace scratch::agent {
namespace {

using nlohmann::json;

constexpr const char* kRunColumns =
    "id::text, kind, state, model, session_id::text, snapshot_id::text, capabilities::text, steps, answer, "
    "result::text, error::text, usage::text, scratch_iso(created_at), scratch_iso(finished_at), "
    "request::text, events_after";

json parse_or_null(const pqxx::field& f) {
  return f.is_null() ? json(nullptr) : json::parse(f.c_str());
}
json text_or_null(const pqxx::field& f) {
  return f.is_null() ? json(nullptr) : json(f.as<std::string>());
}

json run_json(const pqxx::row& r) {
  return {{"id", r[0].as<std::string>()},          {"kind", r[1].as<std::string>()},
          {"state", r[2].as<std::string>()},       {"model", r[3].as<std::string>()},
          {"session_id", text_or_null(r[4])},      {"snapshot_id", text_or_null(r[5])},
          {"capabilities", parse_or_null(r[6])},   {"steps", r[7].as<int>()},
          {"answer", text_or_null(r[8])},          {"result", parse_or_null(r[9])},
          {"error", parse_or_null(r[10])},         {"usage", parse_or_null(r[11])},
          {"created_at", r[12].as<std::string>()}, {"finished_at", text_or_null(r[13])},
          {"request", parse_or_null(r[14])},       {"events_after", r[15].as<long long>()}};
}

// The capabilities a chat run gets unless the request names them: everything but loading URLs and
// building connectors (which an owner turns on per run).
const std::vector<std::string> kDefaultRunCapabilities = {
    "read",         "suggest_update", "suggest_create", "suggest_delete", "scratch_columns",
    "view_filters", "read_uploads"};

http::ApiError not_found_run(const std::string& id) {
  return http::errors::not_found("agent run " + id);
}

}  // namespace

AgentRuns::AgentRuns(db::ConnectionPool& pool, AgentTools& tools, ReferenceLibrary& library,
                     custom_connectors::CustomConnectorService& connectors, const ChatClient& chat,
                     crypto::SecretBox box, AgentRunOptions options)
    : pool_(pool),
      tools_(tools),
      library_(library),
      connectors_(connectors),
      chat_(chat),
      box_(std::move(box)),
      options_(std::move(options)) {}

AgentRuns::~AgentRuns() {
  std::map<std::string, Worker> workers;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto& [id, w] : workers_)
      w.run->cancel = true;
    workers.swap(workers_);
  }
  for (auto& [id, w] : workers)
    if (w.thread.joinable()) w.thread.join();
}

void AgentRuns::reap_finished() {
  // Runs of an instance that died: no progress for longer than any model call can take.
  db::with_transaction(pool_, [&](pqxx::work& tx) {
    for (const auto& r :
         tx.exec("UPDATE agent_runs SET state = 'failed', finished_at = now(), error = '{\"code\": "
                 "\"interrupted\", "
                 "\"message\": \"the server running this agent run stopped\"}' WHERE state = 'running' AND "
                 "heartbeat_at < now() - interval '15 minutes' RETURNING id::text, user_id::text"))
      events::publish(
          tx, r[1].as<std::string>(), "agent", r[0].as<std::string>(), "agent.run.failed",
          {{"run_id", r[0].as<std::string>()}, {"state", "failed"}, {"error", {{"code", "interrupted"}}}});
    return 0;
  });
  std::vector<std::thread> done;
  {
    std::lock_guard lock(mutex_);
    for (auto it = workers_.begin(); it != workers_.end();) {
      if (it->second.run->done) {
        done.push_back(std::move(it->second.thread));
        it = workers_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& t : done)
    if (t.joinable()) t.join();
}

void AgentRuns::launch(std::shared_ptr<Run> run) {
  std::lock_guard lock(mutex_);
  if (stopping_) throw http::ApiError(503, "shutting_down", "Server shutting down", "no new agent runs");
  auto& w = workers_[run->id];
  w.run = run;
  w.thread = std::thread([this, run] { execute(run); });
}

json AgentRuns::settings(const std::string& user_id) {
  return db::with_read(pool_, [&](pqxx::read_transaction& tx) {
    const auto rows = tx.exec_params(
        "SELECT base_url, api_key_sealed IS NOT NULL, default_model, token_warning_limit FROM agent_settings "
        "WHERE user_id = $1::uuid",
        user_id);
    json out = {{"base_url", nullptr},
                {"has_api_key", false},
                {"default_model", nullptr},
                {"token_warning_limit", nullptr},
                {"deployment",
                 {{"base_url", options_.base_url},
                  {"has_api_key", !options_.api_key.empty()},
                  {"default_model", options_.default_model},
                  {"token_warning_limit", options_.token_warning},
                  {"max_steps", options_.max_steps}}}};
    if (!rows.empty()) {
      const auto& r = rows[0];
      out["base_url"] = text_or_null(r[0]);
      out["has_api_key"] = r[1].as<bool>();
      out["default_model"] = text_or_null(r[2]);
      out["token_warning_limit"] = r[3].is_null() ? json(nullptr) : json(r[3].as<long long>());
    }
    return out;
  });
}

json AgentRuns::put_settings(const std::string& user_id, const json& body) {
  http::FieldReader f(body);
  f.allow_only({"base_url", "api_key", "default_model", "token_warning_limit"});
  const auto base_url = f.optional_string("base_url", 8, 500);
  const auto api_key = f.optional_string("api_key", 0, 500);
  const auto model = f.optional_string("default_model", 1, 200);
  const auto limit = f.optional_integer("token_warning_limit", 0, 1'000'000'000'000LL);
  if (base_url && base_url->rfind("https://", 0) != 0 && base_url->rfind("http://", 0) != 0)
    f.fail("base_url", "must be an http:// or https:// URL");
  f.finish();
  // The key is sealed for this user only: a copied row opens for no one else.
  const std::optional<std::string> sealed =
      api_key ? (api_key->empty() ? std::optional<std::string>()
                                  : std::optional<std::string>(box_.seal(*api_key, "agent-key:" + user_id)))
              : std::nullopt;
  db::with_transaction(pool_, [&](pqxx::work& tx) {
    tx.exec_params("INSERT INTO agent_settings (user_id) VALUES ($1::uuid) ON CONFLICT DO NOTHING", user_id);
    if (body.contains("base_url"))
      tx.exec_params("UPDATE agent_settings SET base_url = $2 WHERE user_id = $1::uuid", user_id,
                     body["base_url"].is_null() ? std::optional<std::string>() : base_url);
    if (body.contains("api_key"))
      tx.exec_params("UPDATE agent_settings SET api_key_sealed = $2 WHERE user_id = $1::uuid", user_id,
                     body["api_key"].is_null() ? std::optional<std::string>() : sealed);
    if (body.contains("default_model"))
      tx.exec_params("UPDATE agent_settings SET default_model = $2 WHERE user_id = $1::uuid", user_id,
                     body["default_model"].is_null() ? std::optional<std::string>() : model);
    if (body.contains("token_warning_limit"))
      tx.exec_params("UPDATE agent_settings SET token_warning_limit = $2 WHERE user_id = $1::uuid", user_id,
                     body["token_warning_limit"].is_null() ? std::optional<long long>() : limit);
    tx.exec_params("UPDATE agent_settings SET updated_at = now() WHERE user_id = $1::uuid", user_id);
    return 0;
  });
  return settings(user_id);
}

namespace {

// The endpoint, key, model and warning limit a user's run uses: their own settings over the deployment's.
struct Resolved {
  ChatEndpoint endpoint;
  std::string model;
  long long token_warning = 0;
};

}  // namespace

static Resolved resolve(db::ConnectionPool& pool, const crypto::SecretBox& box,
                        const AgentRunOptions& options, const std::string& user_id, const json& body) {
  Resolved r;
  r.endpoint.base_url = options.base_url;
  r.endpoint.api_key = options.api_key;
  r.model = options.default_model;
  r.token_warning = options.token_warning;
  db::with_read(pool, [&](pqxx::read_transaction& tx) {
    const auto rows = tx.exec_params(
        "SELECT base_url, api_key_sealed, default_model, token_warning_limit FROM agent_settings WHERE "
        "user_id = "
        "$1::uuid",
        user_id);
    if (rows.empty()) return 0;
    const auto& row = rows[0];
    if (!row[0].is_null()) {
      r.endpoint.base_url = row[0].as<std::string>();
      r.endpoint.policy = &options.user_endpoint_policy;  // a user's endpoint passes the address guard
      r.endpoint.api_key.clear();
    }
    if (!row[1].is_null()) {
      const auto key = box.open(row[1].as<std::string>(), "agent-key:" + user_id);
      if (!key)
        throw http::ApiError(409, "agent_key_unreadable", "Stored model key cannot be read",
                             "the stored API key does not open with this server's master key; set it again");
      r.endpoint.api_key = *key;
    }
    if (!row[2].is_null()) r.model = row[2].as<std::string>();
    if (!row[3].is_null()) r.token_warning = row[3].as<long long>();
    return 0;
  });
  if (body.contains("model") && body["model"].is_string() && !body["model"].get<std::string>().empty())
    r.model = body["model"];
  if (r.endpoint.base_url.empty())
    throw http::ApiError(409, "agent_not_configured", "No model endpoint",
                         "set SCRATCH_AGENT_BASE_URL or your own base_url in PUT /api/v1/agent/settings");
  return r;
}

json AgentRuns::start_chat(const std::string& user_id, const std::string& snapshot_id, const json& body) {
  reap_finished();
  http::FieldReader f(body);
  f.allow_only({"message", "session_id", "model", "capabilities", "max_steps", "style_guide_ids"});
  const std::string message = f.required_string("message", 1, 50000);
  const auto session_id = f.optional_string("session_id", 36, 36);
  f.optional_string("model", 1, 200);
  const auto max_steps = f.optional_integer("max_steps", 1, options_.max_steps);
  f.finish();
  std::vector<std::string> caps = kDefaultRunCapabilities;
  if (body.contains("capabilities")) caps = snapshots::parse_capabilities(body["capabilities"]);
  const json guides = library_.guides_for_run(user_id, body.value("style_guide_ids", json::array()));
  const Resolved resolved = resolve(pool_, box_, options_, user_id, body);

  auto run = std::make_shared<Run>();
  run->user_id = user_id;
  run->kind = "chat";
  run->snapshot_id = snapshot_id;
  run->model = resolved.model;
  run->endpoint = resolved.endpoint;
  run->token_warning = resolved.token_warning;
  run->capabilities = caps;
  run->max_steps = static_cast<int>(max_steps.value_or(options_.max_steps));
  run->request = {{"message", message}, {"style_guides", guides}};
  {
    std::lock_guard lock(mutex_);
    if (static_cast<int>(workers_.size()) >= options_.max_concurrent)
      throw http::ApiError(429, "agent_busy", "Too many agent runs",
                           "this server is running its limit of agent runs")
          .with_header("Retry-After", "5");
  }
  const json created = db::with_transaction(pool_, [&](pqxx::work& tx) {
    std::string sid;
    if (session_id) {
      if (!auth::is_uuid(*session_id)) throw http::errors::not_found("agent session " + *session_id);
      const auto rows = tx.exec_params(
          "SELECT 1 FROM agent_sessions WHERE id = $1::uuid AND user_id = $2::uuid AND snapshot_id = "
          "$3::uuid",
          *session_id, user_id, snapshot_id);
      if (rows.empty()) throw http::errors::not_found("agent session " + *session_id);
      if (!tx.exec_params("SELECT 1 FROM agent_runs WHERE session_id = $1::uuid AND state = 'running'",
                          *session_id)
               .empty())
        throw http::ApiError(409, "session_busy", "Session busy", "a run of this session is still running");
      sid = *session_id;
    } else {
      sid = tx.exec_params1(
                  "INSERT INTO agent_sessions (user_id, snapshot_id, title) VALUES ($1::uuid, $2::uuid, $3) "
                  "RETURNING id::text",
                  user_id, snapshot_id, clip(message, 80))[0]
                .as<std::string>();
    }
    const std::string rid =
        tx.exec_params1(
              "INSERT INTO agent_runs (user_id, session_id, snapshot_id, kind, model, capabilities, request, "
              "events_after) VALUES ($1::uuid, $2::uuid, $3::uuid, 'chat', $4, $5::jsonb, $6::jsonb, "
              "(SELECT COALESCE(max(seq), 0) FROM events)) RETURNING id::text",
              user_id, sid, snapshot_id, run->model, json(caps).dump(),
              json{{"message", message},
                   {"style_guide_ids", body.value("style_guide_ids", json::array())},
                   {"max_steps", run->max_steps}}
                  .dump())[0]
            .as<std::string>();
    return json{{"run_id", rid}, {"session_id", sid}};
  });
  run->id = created["run_id"];
  run->session_id = created["session_id"];
  launch(run);
  return get(user_id, run->id);
}

json AgentRuns::start_builder(const std::string& user_id, const json& body) {
  reap_finished();
  http::FieldReader f(body);
  f.allow_only({"description", "samples", "name", "config", "credentials", "table", "max_tries", "model"});
  f.required_string("description", 1, 20000);
  f.optional_string("name", 1, 100);
  f.optional_string("table", 1, 200);
  f.optional_string("model", 1, 200);
  f.optional_integer("max_tries", 1, 10);
  for (const char* k : {"config", "credentials"})
    if (body.contains(k) && !body[k].is_object()) f.fail(k, "must be an object");
  if (body.contains("samples") && !body["samples"].is_array() && !body["samples"].is_string())
    f.fail("samples", "must be an array of sample responses or a string");
  f.finish();
  const Resolved resolved = resolve(pool_, box_, options_, user_id, body);
  auto run = std::make_shared<Run>();
  run->user_id = user_id;
  run->kind = "builder";
  run->model = resolved.model;
  run->endpoint = resolved.endpoint;
  run->token_warning = resolved.token_warning;
  run->capabilities = {"build_connectors"};
  run->max_steps = static_cast<int>(body.value("max_tries", 5));
  run->request = body;
  {
    std::lock_guard lock(mutex_);
    if (static_cast<int>(workers_.size()) >= options_.max_concurrent)
      throw http::ApiError(429, "agent_busy", "Too many agent runs",
                           "this server is running its limit of agent runs")
          .with_header("Retry-After", "5");
  }
  json stored = body;
  stored.erase("credentials");  // secrets stay out of the run record
  run->id = db::with_transaction(pool_, [&](pqxx::work& tx) {
    return tx
        .exec_params1(
            "INSERT INTO agent_runs (user_id, kind, model, capabilities, request, events_after) VALUES "
            "($1::uuid, 'builder', $2, '[\"build_connectors\"]', $3::jsonb, (SELECT COALESCE(max(seq), 0) "
            "FROM events)) RETURNING id::text",
            user_id, run->model, stored.dump())[0]
        .as<std::string>();
  });
  launch(run);
  return get(user_id, run->id);
}

void AgentRuns::execute(const std::shared_ptr<Run>& run) {
  std::string state = "succeeded";
  json error = nullptr;
  try {
    run_event(pool_, *run, "agent.run.started", {{"kind", run->kind}, {"model", run->model}});
    if (run->kind == "chat")
      execute_chat(*run);
    else
      execute_builder(*run);
  } catch (const RunCancelled&) {
    state = "cancelled";
  } catch (const RunFailure& f) {
    state = "failed";
    error = {{"code", f.code}, {"message", f.message}};
  } catch (const std::exception& e) {
    state = "failed";
    error = {{"code", "internal_error"}, {"message", e.what()}};
    spdlog::error("agent run {} failed: {}", run->id, e.what());
  }
  try {
    const json usage = {{"prompt_tokens", run->prompt_tokens},
                        {"completion_tokens", run->completion_tokens},
                        {"total_tokens", run->prompt_tokens + run->completion_tokens},
                        {"model_calls", run->steps}};
    db::with_transaction(pool_, [&](pqxx::work& tx) {
      tx.exec_params(
          "UPDATE agent_runs SET state = $2, error = $3::jsonb, usage = $4::jsonb, steps = $5, finished_at = "
          "now() "
          "WHERE id = $1::uuid",
          run->id, state,
          error.is_null() ? std::optional<std::string>() : std::optional<std::string>(error.dump()),
          usage.dump(), run->steps);
      if (!run->session_id.empty())
        tx.exec_params("UPDATE agent_sessions SET updated_at = now() WHERE id = $1::uuid", run->session_id);
      json data = {{"run_id", run->id}, {"state", state}, {"usage", usage}, {"error", error}};
      const auto answer = tx.exec_params1("SELECT answer FROM agent_runs WHERE id = $1::uuid", run->id);
      data["answer"] = text_or_null(answer[0]);
      events::publish(tx, run->user_id, "agent", run->id, "agent.run." + state, data);
      return 0;
    });
  } catch (const std::exception& e) {
    spdlog::error("agent run {}: could not record its end: {}", run->id, e.what());
  }
  run->done = true;
}

json AgentRuns::get(const std::string& user_id, const std::string& run_id) {
  if (!auth::is_uuid(run_id)) throw not_found_run(run_id);
  return db::with_read(pool_, [&](pqxx::read_transaction& tx) {
    const auto rows = tx.exec_params(
        std::string("SELECT ") + kRunColumns + " FROM agent_runs WHERE id = $1::uuid AND user_id = $2::uuid",
        run_id, user_id);
    if (rows.empty()) throw not_found_run(run_id);
    return run_json(rows[0]);
  });
}

json AgentRuns::list(const std::string& user_id, const std::string& snapshot_id, const std::string& kind) {
  return db::with_read(pool_, [&](pqxx::read_transaction& tx) {
    json items = json::array();
    for (const auto& r :
         tx.exec_params(std::string("SELECT ") + kRunColumns +
                            " FROM agent_runs WHERE user_id = $1::uuid AND ($2 = '' OR snapshot_id = "
                            "NULLIF($2, '')::uuid) AND ($3 = '' OR kind = $3) ORDER BY created_at "
                            "DESC, id LIMIT 100",
                        user_id, snapshot_id, kind))
      items.push_back(run_json(r));
    return json{{"items", items}};
  });
}

json AgentRuns::cancel(const std::string& user_id, const std::string& run_id) {
  if (!auth::is_uuid(run_id)) throw not_found_run(run_id);
  const bool found = db::with_transaction(pool_, [&](pqxx::work& tx) {
    return tx.exec_params(
                 "UPDATE agent_runs SET cancel_requested = (state = 'running') OR cancel_requested "
                 "WHERE id = $1::uuid AND user_id = $2::uuid",
                 run_id, user_id)
               .affected_rows() == 1;
  });
  if (!found) throw not_found_run(run_id);
  {
    std::lock_guard lock(mutex_);
    if (auto it = workers_.find(run_id); it != workers_.end()) it->second.run->cancel = true;
  }
  return get(user_id, run_id);
}

json AgentRuns::sessions(const std::string& user_id, const std::string& snapshot_id) {
  return db::with_read(pool_, [&](pqxx::read_transaction& tx) {
    json items = json::array();
    for (const auto& r : tx.exec_params(
             "SELECT id::text, title, summary IS NOT NULL, scratch_iso(created_at), scratch_iso(updated_at), "
             "(SELECT count(*) FROM agent_messages m WHERE m.session_id = s.id) FROM agent_sessions s WHERE "
             "user_id = $1::uuid AND snapshot_id = $2::uuid ORDER BY updated_at DESC, id LIMIT 100",
             user_id, snapshot_id))
      items.push_back({{"id", r[0].as<std::string>()},
                       {"title", r[1].as<std::string>()},
                       {"summarized", r[2].as<bool>()},
                       {"created_at", r[3].as<std::string>()},
                       {"updated_at", r[4].as<std::string>()},
                       {"message_count", r[5].as<long long>()}});
    return json{{"items", items}};
  });
}

json AgentRuns::session(const std::string& user_id, const std::string& session_id) {
  if (!auth::is_uuid(session_id)) throw http::errors::not_found("agent session " + session_id);
  return db::with_read(pool_, [&](pqxx::read_transaction& tx) {
    const auto rows = tx.exec_params(
        "SELECT id::text, snapshot_id::text, title, summary, summarized_through, scratch_iso(created_at), "
        "scratch_iso(updated_at) FROM agent_sessions WHERE id = $1::uuid AND user_id = $2::uuid",
        session_id, user_id);
    if (rows.empty()) throw http::errors::not_found("agent session " + session_id);
    const auto& r = rows[0];
    json messages = json::array();
    for (const auto& m : tx.exec_params("SELECT n, run_id::text, message::text, scratch_iso(created_at) FROM "
                                        "agent_messages WHERE session_id = $1::uuid ORDER BY n",
                                        session_id))
      messages.push_back({{"n", m[0].as<int>()},
                          {"run_id", text_or_null(m[1])},
                          {"message", json::parse(m[2].c_str())},
                          {"created_at", m[3].as<std::string>()}});
    return json{{"id", r[0].as<std::string>()},         {"snapshot_id", text_or_null(r[1])},
                {"title", r[2].as<std::string>()},      {"summary", text_or_null(r[3])},
                {"summarized_through", r[4].as<int>()}, {"created_at", r[5].as<std::string>()},
                {"updated_at", r[6].as<std::string>()}, {"messages", messages}};
  });
}

json AgentRuns::usage(const std::string& user_id) {
  return db::with_read(pool_, [&](pqxx::read_transaction& tx) {
    json models = json::array();
    long long month = 0;
    for (const auto& r : tx.exec_params("SELECT model, sum(prompt_tokens)::bigint, "
                                        "sum(completion_tokens)::bigint, sum(requests)::bigint FROM "
                                        "agent_usage WHERE user_id = $1::uuid AND day >= date_trunc('month', "
                                        "current_date) GROUP BY model "
                                        "ORDER BY model",
                                        user_id)) {
      const long long p = r[1].as<long long>(), c = r[2].as<long long>();
      month += p + c;
      models.push_back({{"model", r[0].as<std::string>()},
                        {"prompt_tokens", p},
                        {"completion_tokens", c},
                        {"total_tokens", p + c},
                        {"requests", r[3].as<long long>()}});
    }
    const auto limit_rows =
        tx.exec_params("SELECT token_warning_limit FROM agent_settings WHERE user_id = $1::uuid", user_id);
    long long limit = options_.token_warning;
    if (!limit_rows.empty() && !limit_rows[0][0].is_null()) limit = limit_rows[0][0].as<long long>();
    return json{{"month", {{"total_tokens", month}, {"by_model", models}}},
                {"warning_limit", limit > 0 ? json(limit) : json(nullptr)},
                {"over_warning_limit", limit > 0 && month >= limit}};
  });
}

}  // namespace scratch::agent

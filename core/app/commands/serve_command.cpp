// `scratchd serve`: migrate, wire services and routes for the process role, serve until SIGTERM/SIGINT,
// then drain in-flight requests and stop background loops.
#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <pqxx/pqxx>

#include "agent/agent_runs.hpp"
#include "agent/agent_services.hpp"
#include "app/background_service.hpp"
#include "app/commands/commands.hpp"
#include "app/route_table.hpp"
#include "app/secrets.hpp"
#include "connectors/runner_pool.hpp"
#include "custom_connectors/custom_connector_service.hpp"
#include "db/db_errors.hpp"
#include "db/transaction.hpp"
#include "http/dispatcher.hpp"
#include "http/ops_routes.hpp"
#include "http/pistache_server.hpp"
#include "http/static_files.hpp"
#include "jobs/diagnostic_jobs.hpp"
#include "snapshots/snapshot_jobs.hpp"

namespace scratch::app {
namespace {

std::string pool_metrics(const db::ConnectionPool& pool) {
  const auto s = pool.stats();
  return fmt::format(
      "# HELP scratch_db_pool_connections Database connections by state.\n"
      "# TYPE scratch_db_pool_connections gauge\n"
      "scratch_db_pool_connections{{state=\"in_use\"}} {}\n"
      "scratch_db_pool_connections{{state=\"idle\"}} {}\n"
      "# HELP scratch_db_pool_max_connections Pool size limit.\n"
      "# TYPE scratch_db_pool_max_connections gauge\n"
      "scratch_db_pool_max_connections {}\n"
      "# HELP scratch_db_pool_waiting Callers waiting for a connection.\n"
      "# TYPE scratch_db_pool_waiting gauge\n"
      "scratch_db_pool_waiting {}\n"
      "# HELP scratch_db_pool_acquired_total Connections handed out.\n"
      "# TYPE scratch_db_pool_acquired_total counter\n"
      "scratch_db_pool_acquired_total {}\n"
      "# HELP scratch_db_pool_timeouts_total Acquires that gave up waiting.\n"
      "# TYPE scratch_db_pool_timeouts_total counter\n"
      "scratch_db_pool_timeouts_total {}\n"
      "# HELP scratch_db_pool_connect_failures_total Failed attempts to open a connection.\n"
      "# TYPE scratch_db_pool_connect_failures_total counter\n"
      "scratch_db_pool_connect_failures_total {}\n",
      s.in_use, s.open - s.in_use, s.max_size, s.waiting, s.acquired_total, s.timeouts_total,
      s.connect_failures_total);
}

nlohmann::json database_status(db::ConnectionPool& pool) {
  const auto started = std::chrono::steady_clock::now();
  nlohmann::json out;
  try {
    db::with_read(pool, [&](pqxx::read_transaction& tx) {
      const auto r =
          tx.exec1("SELECT current_setting('server_version'), (SELECT max(version) FROM schema_migrations)");
      out["server_version"] = r[0].as<std::string>();
      out["schema_version"] = r[1].is_null() ? 0 : r[1].as<int>();
      return 0;
    });
    out["status"] = "up";
    out["latency_ms"] =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  } catch (const std::exception& e) {
    out["status"] = "down";
    out["error"] = e.what();
  }
  const auto s = pool.stats();
  out["pool"] = {{"max", s.max_size}, {"open", s.open}, {"in_use", s.in_use}, {"waiting", s.waiting}};
  return out;
}

std::optional<std::string> check_database(db::ConnectionPool& pool) {
  try {
    db::with_read(pool, [](pqxx::read_transaction& tx) { return tx.exec1("SELECT 1")[0].as<int>(); });
    return std::nullopt;
  } catch (const std::exception& e) {
    std::string reason = e.what();
    while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' '))
      reason.pop_back();
    spdlog::warn("readiness check failed: {}", reason);
    return "the database is not reachable";
  }
}

}  // namespace

connectors::RunnerPool::Options runner_options(const Config& config) {
  connectors::RunnerPool::Options options;
  options.executable = std::filesystem::read_symlink("/proc/self/exe").string();
  std::string dirs;
  for (const auto& d : config.plugin_dirs)
    dirs += (dirs.empty() ? "" : ":") + std::filesystem::absolute(d).string();
  // Runners get the resolved folder list, not whatever relative path the server was started with.
  options.env = {{"SCRATCH_PLUGIN_DIRS", dirs},
                 {"SCRATCH_LOG_LEVEL", config.log_level},
                 {"SCRATCH_LOG_FORMAT", config.log_format == LogFormat::json ? "json" : "human"}};
  options.size = config.connector_runners;
  return options;
}

custom_connectors::LuaSettings lua_settings(const Config& config) {
  custom_connectors::LuaSettings s;
  s.memory_bytes = static_cast<std::size_t>(config.lua_memory_mb) << 20;
  s.instructions = static_cast<std::uint64_t>(config.lua_instructions);
  s.wall = std::chrono::milliseconds(config.lua_timeout_ms);
  s.http_calls = config.lua_http_calls;
  s.allowed_hosts = config.lua_allowed_hosts;
  s.allow_private = config.lua_allow_private;
  return s;
}

int serve_command(Config config) {
  // Signals are taken synchronously by this thread (sigwait); every thread started later inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  // Fail fast instead of hanging on an unreachable database host (a URL's own connect_timeout wins).
  setenv("PGCONNECT_TIMEOUT", "5", 0);

  resolve_secrets(config);
  spdlog::info("scratchd {} starting: role={} port={} data_dir={}", SCRATCH_VERSION, role_name(config.role),
               config.port, config.data_dir.string());
  migrate_with_wait(config);

  db::ConnectionPool pool(
      {config.database_url, static_cast<std::size_t>(config.db_pool_size), std::chrono::milliseconds(5000)});
  http::Router router;
  http::Metrics metrics;
  metrics.add_collector([&pool] { return pool_metrics(pool); });
  http::add_ops_routes(
      router, metrics, [&pool] { return check_database(pool); }, SCRATCH_VERSION);

  auth::AuthSettings auth_settings;
  auth_settings.session_secret = config.session_secret;
  auth_settings.access_token_ttl_seconds = config.access_token_ttl_seconds;
  auth_settings.session_ttl_seconds = config.session_ttl_seconds;
  auth_settings.allow_signup = config.allow_signup;
  auth_settings.throttle = {config.login_max_failures_per_account, config.login_max_failures_per_address,
                            config.login_window_seconds};
  auth::AuthService auth_service(pool, auth_settings, auth::PasswordHasher{});
  auth::Authenticator authenticator(pool, config.session_secret);
  auth::ApiTokenService api_tokens(pool);
  // Plugins never load into this process: connector calls go to supervised runner processes.
  connectors::RunnerPool runners(runner_options(config));
  if (serves_api(config.role) || runs_workers(config.role)) runners.start();
  // Custom (Lua) connectors are connector types too ("custom:<id>@<n>"). Their scripts run in runner
  // processes of their own (started on first use), so scripts stuck until their limit never hold the
  // runners third-party plugins need, and the other way round.
  auto lua_pool_options = runner_options(config);
  lua_pool_options.size = config.lua_runners;
  connectors::RunnerPool lua_runners(lua_pool_options);
  custom_connectors::LuaScripts lua_scripts(lua_runners, lua_settings(config));
  custom_connectors::CustomConnectorStore custom_store(pool);
  custom_connectors::ScriptedConnectors all_connectors(runners, custom_store, lua_scripts);
  custom_connectors::CustomConnectorService custom_service(custom_store, all_connectors, lua_scripts);
  uploads::UploadService uploads(pool, config.data_dir, config.max_upload_bytes);
  accounts::AccountService accounts(pool, all_connectors, crypto::SecretBox(config.master_key), uploads,
                                    config.data_dir, std::chrono::seconds(config.connector_timeout_seconds));
  jobs::JobRegistry job_types;
  if (config.diagnostic_jobs) jobs::add_diagnostic_jobs(job_types);
  snapshots::add_snapshot_jobs(job_types, pool, accounts, all_connectors);
  snapshots::SnapshotServices snapshot_services(pool, authenticator, accounts);
  jobs::JobQueue job_queue(pool);
  events::EventBus event_bus(
      pool, config.database_url,
      {std::chrono::milliseconds(1000), std::chrono::seconds(config.sse_heartbeat_seconds)});
  if (serves_api(config.role)) event_bus.start();
  // The agent side: tools (HTTP, MCP, the in-server loops), the reference library and agent runs.
  agent::ReferenceLibrary library(pool, static_cast<std::size_t>(config.reference_file_max_kb) << 10);
  agent::UrlLoaderSettings url_settings;
  url_settings.policy.allowed_hosts = config.agent_allowed_hosts;
  const agent::UrlLoader url_loader(url_settings);
  agent::AgentTools agent_tools(snapshot_services, library, url_loader, custom_service);
  const net::HttpClient model_http;
  const agent::ChatClient chat_client(model_http);
  agent::AgentRunOptions run_options;
  run_options.base_url = config.agent_base_url;
  run_options.api_key = config.agent_api_key;
  run_options.default_model = config.agent_model;
  run_options.max_steps = config.agent_max_steps;
  run_options.history_tokens = config.agent_history_tokens;
  run_options.token_warning = config.agent_token_warning;
  run_options.user_endpoint_policy.allowed_hosts = config.agent_allowed_hosts;
  agent::AgentRuns agent_runs(pool, agent_tools, library, custom_service, chat_client,
                              crypto::SecretBox(config.master_key), run_options);
  agent::AgentServices agent_services{authenticator, snapshot_services, library,
                                      agent_tools,   agent_runs,        event_bus};
  ApiServices api{auth_service,
                  authenticator,
                  api_tokens,
                  [&pool] { return database_status(pool); },
                  role_name(config.role),
                  all_connectors,
                  accounts,
                  uploads,
                  config.upload_chunk_bytes,
                  job_queue,
                  job_types,
                  config.diagnostic_jobs,
                  pool,
                  event_bus,
                  snapshot_services,
                  custom_service,
                  agent_services};
  if (serves_api(config.role)) add_api_routes(router, api);
  std::size_t largest_body = config.max_body_bytes;
  for (const auto& route : router.routes())
    largest_body = std::max(largest_body, route.doc.max_body_bytes);

  http::Dispatcher dispatcher(router, metrics, {config.max_body_bytes});
  dispatcher.add_exception_mapper([&pool](const std::exception& e) -> std::optional<http::ApiError> {
    if (!db::is_unavailable_error(e)) return std::nullopt;
    pool.drop_idle();
    return http::errors::database_unavailable();
  });
  const http::StaticFiles console(config.web_dir);
  if (serves_api(config.role)) {
    dispatcher.set_fallback([&console](const http::Request& r) { return console.serve(r); });
    if (!console.available())
      spdlog::info("no web console at {} (build it with scripts/build-web.sh)", config.web_dir.string());
  }
  http::PistacheServer server({config.bind_address, config.port, config.http_threads, largest_body},
                              dispatcher);
  server.start();

  auto services = make_background_services({config, pool, job_types});
  for (auto& s : services) {
    s->start();
    spdlog::info("started {}", s->name());
  }
  spdlog::info("listening on http://{}:{} (role {}, {} HTTP threads)", config.bind_address, config.port,
               role_name(config.role), config.http_threads);

  int received = 0;
  sigwait(&stop_signals, &received);
  spdlog::info("received {}, draining (up to {} s)", received == SIGTERM ? "SIGTERM" : "SIGINT",
               config.shutdown_grace_seconds);
  event_bus.stop();  // ends open event streams cleanly before the connections close
  server.stop(std::chrono::seconds(config.shutdown_grace_seconds));
  for (auto it = services.rbegin(); it != services.rend(); ++it)
    (*it)->stop();
  spdlog::info("stopped cleanly");
  return 0;
}

}  // namespace scratch::app

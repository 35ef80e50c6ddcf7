#include "app/config.hpp"

#include <cctype>
#include <charconv>

#include "app/env_file.hpp"
#include "net/address_policy.hpp"

extern char** environ;

namespace scratch::app {
namespace {

int parse_int(const std::string& name, const std::string& value, int min, int max) {
  int out = 0;
  const auto* end = value.data() + value.size();
  const auto [ptr, ec] = std::from_chars(value.data(), end, out);
  if (ec != std::errc() || ptr != end || out < min || out > max) {
    throw ConfigError(name + " must be an integer from " + std::to_string(min) + " to " +
                      std::to_string(max) + ", got '" + value + "'");
  }
  return out;
}

bool parse_bool(const std::string& name, const std::string& value) {
  if (value == "1" || value == "true" || value == "yes" || value == "on") return true;
  if (value == "0" || value == "false" || value == "no" || value == "off") return false;
  throw ConfigError(name + " must be true or false, got '" + value + "'");
}

std::vector<std::filesystem::path> split_paths(const std::string& value) {
  std::vector<std::filesystem::path> out;
  std::size_t start = 0;
  while (start <= value.size()) {
    const auto colon = value.find(':', start);
    const std::string part =
        value.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (!part.empty()) out.emplace_back(part);
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return out;
}

// "a.example.com, 127.0.0.1:8081" -> each entry checked as the address guard will read it.
std::vector<std::string> parse_hosts(const std::string& name, const std::string& value) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= value.size()) {
    const auto comma = value.find(',', start);
    std::string part = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    while (!part.empty() && std::isspace(static_cast<unsigned char>(part.front())))
      part.erase(part.begin());
    while (!part.empty() && std::isspace(static_cast<unsigned char>(part.back())))
      part.pop_back();
    if (!part.empty()) {
      if (auto problem = net::validate_allowed_host(part)) throw ConfigError(name + ": " + *problem);
      out.push_back(part);
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

const std::vector<ConfigOption>& config_options() {
  static const std::vector<ConfigOption> options = {
      {"PORT", "port", "3010", "HTTP port",
       [](Config& c, const std::string& v) { c.port = parse_int("PORT", v, 1, 65535); }},
      {"SCRATCH_BIND_ADDRESS", "bind", "0.0.0.0", "address to listen on",
       [](Config& c, const std::string& v) { c.bind_address = v; }},
      {"DATABASE_URL", "database-url", "",
       "PostgreSQL URL (postgresql://user:pass@host:port/db); scripts/run.sh provides a private cluster when "
       "unset",
       [](Config& c, const std::string& v) { c.database_url = v; }},
      {"SERVICE_TYPE", "role", "all",
       "process role: all|api|worker|cron (also MONOLITH|FRONTEND|WORKER|CRON)",
       [](Config& c, const std::string& v) {
         auto role = parse_role(v);
         if (!role)
           throw ConfigError(
               "SERVICE_TYPE/--role must be one of all, api, worker, cron (or MONOLITH, "
               "FRONTEND, WORKER, CRON), got '" +
               v + "'");
         c.role = *role;
       }},
      {"SCRATCH_DATA_DIR", "data-dir", "data", "data folder (embedded database, generated secrets, plugins)",
       [](Config& c, const std::string& v) { c.data_dir = v; }},
      {"SCRATCH_LOG_LEVEL", "log-level", "info", "trace|debug|info|warn|error|critical|off",
       [](Config& c, const std::string& v) {
         static const char* levels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
         for (const char* l : levels) {
           if (v == l) {
             c.log_level = v;
             return;
           }
         }
         throw ConfigError(
             "SCRATCH_LOG_LEVEL must be one of trace, debug, info, warn, error, critical, off, got '" + v +
             "'");
       }},
      {"SCRATCH_LOG_FORMAT", "log-format", "human", "human (text lines) or json (one JSON object per line)",
       [](Config& c, const std::string& v) {
         if (v == "human")
           c.log_format = LogFormat::human;
         else if (v == "json")
           c.log_format = LogFormat::json;
         else
           throw ConfigError("SCRATCH_LOG_FORMAT must be human or json, got '" + v + "'");
       }},
      {"SCRATCH_HTTP_THREADS", "http-threads", "4", "HTTP worker threads",
       [](Config& c, const std::string& v) {
         c.http_threads = parse_int("SCRATCH_HTTP_THREADS", v, 1, 256);
       }},
      {"SCRATCH_PLUGIN_DIRS", "plugin-dirs", "",
       "colon-separated plugin folders (default: <data dir>/plugins)",
       [](Config& c, const std::string& v) { c.plugin_dirs = split_paths(v); }},
      {"SCRATCH_WEB_DIR", "web-dir", "web/dist",
       "the web console's built assets, served at / (built by scripts/build-web.sh)",
       [](Config& c, const std::string& v) { c.web_dir = v; }},
      {"SCRATCH_SESSION_SECRET", "session-secret", "",
       "key that signs session tokens, at least 32 characters (generated into the data folder by "
       "scripts/run.sh)",
       [](Config& c, const std::string& v) { c.session_secret = v; }},
      {"SCRATCH_MASTER_KEY", "master-key", "",
       "32-byte key (64 hex characters or base64) that encrypts connector credentials (generated likewise)",
       [](Config& c, const std::string& v) { c.master_key = v; }},
      {"SCRATCH_EMBEDDED", "embedded", "false",
       "generate missing secrets into the data folder (set by scripts/run.sh for its private database)",
       [](Config& c, const std::string& v) { c.embedded = parse_bool("SCRATCH_EMBEDDED", v); }},
      {"SCRATCH_ALLOW_SIGNUP", "allow-signup", "true",
       "whether POST /api/v1/auth/signup accepts new accounts",
       [](Config& c, const std::string& v) { c.allow_signup = parse_bool("SCRATCH_ALLOW_SIGNUP", v); }},
      {"SCRATCH_MAX_BODY_BYTES", "max-body-bytes", "1048576", "largest accepted request body (413 above)",
       [](Config& c, const std::string& v) {
         c.max_body_bytes = static_cast<std::size_t>(parse_int("SCRATCH_MAX_BODY_BYTES", v, 1024, 1 << 30));
       }},
      {"SCRATCH_DB_POOL_SIZE", "db-pool-size", "10", "database connections per process",
       [](Config& c, const std::string& v) {
         c.db_pool_size = parse_int("SCRATCH_DB_POOL_SIZE", v, 1, 1000);
       }},
      {"SCRATCH_DB_STARTUP_WAIT_SECONDS", "db-startup-wait", "30",
       "how long `serve` waits for the database to accept connections at start",
       [](Config& c, const std::string& v) {
         c.db_startup_wait_seconds = parse_int("SCRATCH_DB_STARTUP_WAIT_SECONDS", v, 0, 3600);
       }},
      {"SCRATCH_ACCESS_TOKEN_TTL_SECONDS", "access-token-ttl", "900", "access token lifetime",
       [](Config& c, const std::string& v) {
         c.access_token_ttl_seconds = parse_int("SCRATCH_ACCESS_TOKEN_TTL_SECONDS", v, 1, 86400);
       }},
      {"SCRATCH_SESSION_TTL_SECONDS", "session-ttl", "2592000", "how long a login can be refreshed (30 days)",
       [](Config& c, const std::string& v) {
         c.session_ttl_seconds = parse_int("SCRATCH_SESSION_TTL_SECONDS", v, 60, 365 * 86400);
       }},
      {"SCRATCH_LOGIN_MAX_FAILURES", "login-max-failures", "5",
       "failed logins per account per window before 429",
       [](Config& c, const std::string& v) {
         c.login_max_failures_per_account = parse_int("SCRATCH_LOGIN_MAX_FAILURES", v, 1, 1000000);
       }},
      {"SCRATCH_LOGIN_MAX_FAILURES_PER_ADDRESS", "login-max-failures-per-address", "30",
       "failed logins per client address per window before 429",
       [](Config& c, const std::string& v) {
         c.login_max_failures_per_address =
             parse_int("SCRATCH_LOGIN_MAX_FAILURES_PER_ADDRESS", v, 1, 1000000);
       }},
      {"SCRATCH_LOGIN_WINDOW_SECONDS", "login-window", "900", "failed-login counting window",
       [](Config& c, const std::string& v) {
         c.login_window_seconds = parse_int("SCRATCH_LOGIN_WINDOW_SECONDS", v, 1, 86400);
       }},
      {"SCRATCH_SHUTDOWN_GRACE_SECONDS", "shutdown-grace", "10",
       "on SIGTERM/SIGINT, how long in-flight requests may finish",
       [](Config& c, const std::string& v) {
         c.shutdown_grace_seconds = parse_int("SCRATCH_SHUTDOWN_GRACE_SECONDS", v, 0, 3600);
       }},
      {"SCRATCH_CONNECTOR_RUNNERS", "connector-runners", "2",
       "connector-runner processes (concurrent connector calls); plugins run there, not in the server",
       [](Config& c, const std::string& v) {
         c.connector_runners = parse_int("SCRATCH_CONNECTOR_RUNNERS", v, 1, 64);
       }},
      {"SCRATCH_CONNECTOR_TIMEOUT_SECONDS", "connector-timeout", "60",
       "deadline for one connector call; a runner that overruns it is killed and restarted",
       [](Config& c, const std::string& v) {
         c.connector_timeout_seconds = parse_int("SCRATCH_CONNECTOR_TIMEOUT_SECONDS", v, 1, 3600);
       }},
      {"SCRATCH_MAX_UPLOAD_BYTES", "max-upload-bytes", "1073741824",
       "largest file upload (e.g. a CSV source)",
       [](Config& c, const std::string& v) {
         c.max_upload_bytes =
             static_cast<std::uint64_t>(parse_int("SCRATCH_MAX_UPLOAD_BYTES", v, 1, 2147483647));
       }},
      {"SCRATCH_UPLOAD_CHUNK_BYTES", "upload-chunk-bytes", "8388608", "largest single upload chunk request",
       [](Config& c, const std::string& v) {
         c.upload_chunk_bytes =
             static_cast<std::size_t>(parse_int("SCRATCH_UPLOAD_CHUNK_BYTES", v, 1024, 1 << 30));
       }},
      {"SCRATCH_WORKER_THREADS", "worker-threads", "2", "job worker threads in worker/all roles",
       [](Config& c, const std::string& v) {
         c.worker_threads = parse_int("SCRATCH_WORKER_THREADS", v, 1, 256);
       }},
      {"SCRATCH_JOB_LEASE_SECONDS", "job-lease", "30",
       "a running job's lease; a worker that stops renewing it for this long loses the job to another",
       [](Config& c, const std::string& v) {
         c.job_lease_seconds = parse_int("SCRATCH_JOB_LEASE_SECONDS", v, 3, 3600);
       }},
      {"SCRATCH_JOBS_PER_USER", "jobs-per-user", "4",
       "jobs of one user running at once, so none starves others",
       [](Config& c, const std::string& v) {
         c.jobs_per_user = parse_int("SCRATCH_JOBS_PER_USER", v, 1, 1000);
       }},
      {"SCRATCH_JOB_RETENTION_HOURS", "job-retention", "168",
       "finished jobs are pruned after this many hours",
       [](Config& c, const std::string& v) {
         c.job_retention_hours = parse_int("SCRATCH_JOB_RETENTION_HOURS", v, 1, 24 * 3650);
       }},
      {"SCRATCH_REAPER_INTERVAL_SECONDS", "reaper-interval", "5",
       "how often cron requeues jobs with expired leases",
       [](Config& c, const std::string& v) {
         c.reaper_interval_seconds = parse_int("SCRATCH_REAPER_INTERVAL_SECONDS", v, 1, 3600);
       }},
      {"SCRATCH_DIAGNOSTIC_JOBS", "diagnostic-jobs", "false",
       "allow enqueueing the diag.* job types through POST /api/v1/jobs (for tests and benchmarks)",
       [](Config& c, const std::string& v) { c.diagnostic_jobs = parse_bool("SCRATCH_DIAGNOSTIC_JOBS", v); }},
      {"SCRATCH_SSE_HEARTBEAT_SECONDS", "sse-heartbeat", "15",
       "how often event streams send a heartbeat comment (keeps proxies from closing idle streams)",
       [](Config& c, const std::string& v) {
         c.sse_heartbeat_seconds = parse_int("SCRATCH_SSE_HEARTBEAT_SECONDS", v, 1, 3600);
       }},
      {"SCRATCH_LUA_MEMORY_MB", "lua-memory-mb", "64", "memory one Lua connector call may allocate (MiB)",
       [](Config& c, const std::string& v) {
         c.lua_memory_mb = parse_int("SCRATCH_LUA_MEMORY_MB", v, 1, 4096);
       }},
      {"SCRATCH_LUA_INSTRUCTIONS", "lua-instructions", "200000000",
       "Lua VM instructions one Lua connector call may run",
       [](Config& c, const std::string& v) {
         c.lua_instructions = parse_int("SCRATCH_LUA_INSTRUCTIONS", v, 1000, 2000000000);
       }},
      {"SCRATCH_LUA_TIMEOUT_MS", "lua-timeout-ms", "30000",
       "wall-clock limit of one Lua connector call (its runner is killed if the script cannot be stopped)",
       [](Config& c, const std::string& v) {
         c.lua_timeout_ms = parse_int("SCRATCH_LUA_TIMEOUT_MS", v, 10, 3600000);
       }},
      {"SCRATCH_LUA_HTTP_CALLS", "lua-http-calls", "200",
       "http.request calls one Lua connector call may make",
       [](Config& c, const std::string& v) {
         c.lua_http_calls = parse_int("SCRATCH_LUA_HTTP_CALLS", v, 0, 1000000);
       }},
      {"SCRATCH_LUA_RUNNERS", "lua-runners", "2",
       "connector-runner processes for Lua connectors, apart from the plugins' (so stuck scripts cannot take "
       "the runners plugins need)",
       [](Config& c, const std::string& v) { c.lua_runners = parse_int("SCRATCH_LUA_RUNNERS", v, 1, 64); }},
      {"SCRATCH_LUA_ALLOWED_HOSTS", "lua-allowed-hosts", "",
       "comma-separated host or host:port Lua connectors may reach although internal (e.g. 127.0.0.1:8081)",
       [](Config& c, const std::string& v) {
         c.lua_allowed_hosts = parse_hosts("SCRATCH_LUA_ALLOWED_HOSTS", v);
       }},
      {"SCRATCH_LUA_ALLOW_PRIVATE", "lua-allow-private", "false",
       "let Lua connectors reach loopback, private and link-local addresses (metadata stays refused)",
       [](Config& c, const std::string& v) {
         c.lua_allow_private = parse_bool("SCRATCH_LUA_ALLOW_PRIVATE", v);
       }},
      {"SCRATCH_AGENT_BASE_URL", "agent-base-url", "https://openrouter.ai/api/v1",
       "OpenAI-compatible chat-completions endpoint of the in-server agent (users may set their own)",
       [](Config& c, const std::string& v) { c.agent_base_url = v; }},
      {"SCRATCH_AGENT_API_KEY", "agent-api-key", "", "the deployment's key for SCRATCH_AGENT_BASE_URL",
       [](Config& c, const std::string& v) { c.agent_api_key = v; }},
      {"SCRATCH_AGENT_MODEL", "agent-model", "openai/gpt-4o-mini", "default model of agent runs",
       [](Config& c, const std::string& v) { c.agent_model = v; }},
      {"SCRATCH_AGENT_MAX_STEPS", "agent-max-steps", "20",
       "model calls one agent run may make before it is stopped (the step budget)",
       [](Config& c, const std::string& v) {
         c.agent_max_steps = parse_int("SCRATCH_AGENT_MAX_STEPS", v, 1, 200);
       }},
      {"SCRATCH_AGENT_HISTORY_TOKENS", "agent-history-tokens", "24000",
       "estimated tokens of session history sent to the model; older turns are summarised past it",
       [](Config& c, const std::string& v) {
         c.agent_history_tokens = parse_int("SCRATCH_AGENT_HISTORY_TOKENS", v, 200, 2000000);
       }},
      {"SCRATCH_AGENT_TOKEN_WARNING", "agent-token-warning", "0",
       "tokens per user per month after which agent runs carry a usage warning (0: none; users may set "
       "theirs)",
       [](Config& c, const std::string& v) {
         c.agent_token_warning = parse_int("SCRATCH_AGENT_TOKEN_WARNING", v, 0, 2000000000);
       }},
      {"SCRATCH_AGENT_ALLOWED_HOSTS", "agent-allowed-hosts", "",
       "comma-separated host or host:port that agent URL loading and user-set model endpoints may reach "
       "although internal",
       [](Config& c, const std::string& v) {
         c.agent_allowed_hosts = parse_hosts("SCRATCH_AGENT_ALLOWED_HOSTS", v);
       }},
      {"SCRATCH_REFERENCE_FILE_MAX_KB", "reference-file-max-kb", "1024",
       "largest reference file (Markdown or text) a user may upload for agents, in KiB",
       [](Config& c, const std::string& v) {
         c.reference_file_max_kb = parse_int("SCRATCH_REFERENCE_FILE_MAX_KB", v, 1, 65536);
       }},
  };
  return options;
}

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> out;
  for (char** e = environ; e && *e; ++e) {
    const std::string entry = *e;
    const auto eq = entry.find('=');
    if (eq != std::string::npos) out[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return out;
}

Config load_config(const ConfigSources& sources) {
  std::map<std::string, std::string> dotenv;
  if (sources.env_file_required || std::filesystem::exists(sources.env_file)) {
    dotenv = read_env_file(sources.env_file);
  }
  for (const auto& [flag, value] : sources.flags) {
    const bool known = std::any_of(config_options().begin(), config_options().end(),
                                   [&f = flag](const ConfigOption& o) { return f == o.flag; });
    if (!known) throw ConfigError("unknown option --" + flag + " (see `scratchd help`)");
  }
  Config config;
  for (const auto& option : config_options()) {
    std::string value = option.default_value;
    if (auto it = dotenv.find(option.env); it != dotenv.end()) value = it->second;
    if (auto it = sources.environment.find(option.env); it != sources.environment.end()) value = it->second;
    if (auto it = sources.flags.find(option.flag); it != sources.flags.end()) value = it->second;
    if (value.empty() && option.default_value[0] == '\0') continue;  // unset and no default
    option.apply(config, value);
  }
  if (config.plugin_dirs.empty()) config.plugin_dirs.push_back(config.data_dir / "plugins");
  return config;
}

}  // namespace scratch::app

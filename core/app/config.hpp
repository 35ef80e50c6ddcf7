// scratchd configuration. Sources, lowest to highest precedence: built-in defaults, the .env file,
// the process environment, command-line flags. Every option is one row in config_options(), which
// also produces `scratchd help` and the README table.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/role.hpp"

namespace scratch::app {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class LogFormat { human, json };

struct Config {
  int port = 3010;
  std::string bind_address = "0.0.0.0";
  std::string database_url;
  Role role = Role::all;
  std::filesystem::path data_dir = "data";
  std::string log_level = "info";
  LogFormat log_format = LogFormat::human;
  int http_threads = 4;
  std::vector<std::filesystem::path> plugin_dirs;
  std::filesystem::path web_dir = "web/dist";  // the web console's built assets
  std::string session_secret;
  std::string master_key;  // 32 raw bytes once resolved
  bool embedded = false;   // data folder owns the secrets (the two-command default)
  bool allow_signup = true;
  std::size_t max_body_bytes = 1 << 20;
  int db_pool_size = 10;
  int db_startup_wait_seconds = 30;
  int access_token_ttl_seconds = 900;
  int session_ttl_seconds = 30 * 86400;
  int login_max_failures_per_account = 5;
  int login_max_failures_per_address = 30;
  int login_window_seconds = 900;
  int shutdown_grace_seconds = 10;
  int connector_runners = 2;
  int lua_runners = 2;
  int connector_timeout_seconds = 60;
  std::uint64_t max_upload_bytes = 1ull << 30;
  std::size_t upload_chunk_bytes = 8u << 20;
  int worker_threads = 2;
  int job_lease_seconds = 30;
  int jobs_per_user = 4;
  int job_retention_hours = 168;
  int reaper_interval_seconds = 5;
  bool diagnostic_jobs = false;
  int sse_heartbeat_seconds = 15;
  // Lua connectors (custom connectors): the sandbox's limits per call and the address guard for http.request.
  int lua_memory_mb = 64;
  long long lua_instructions = 200'000'000;
  int lua_timeout_ms = 30000;
  int lua_http_calls = 200;
  std::vector<std::string> lua_allowed_hosts;
  bool lua_allow_private = false;
  std::string agent_base_url = "https://openrouter.ai/api/v1";
  std::string agent_api_key;
  std::string agent_model = "openai/gpt-4o-mini";
  int agent_max_steps = 20;
  int agent_history_tokens = 24000;
  int agent_token_warning = 0;
  std::vector<std::string> agent_allowed_hosts;
  int reference_file_max_kb = 1024;
};

struct ConfigOption {
  const char* env;            // environment / .env name
  const char* flag;           // command-line flag without the leading "--"
  const char* default_value;  // as text; "" means unset
  const char* help;
  std::function<void(Config&, const std::string&)> apply;  // throws ConfigError on a bad value
};

const std::vector<ConfigOption>& config_options();

struct ConfigSources {
  std::map<std::string, std::string> flags;        // flag name -> value
  std::map<std::string, std::string> environment;  // the process environment
  std::filesystem::path env_file = ".env";         // read when it exists
  bool env_file_required = false;                  // true when named explicitly
};

Config load_config(const ConfigSources& sources);
std::map<std::string, std::string> process_environment();

}  // namespace scratch::app

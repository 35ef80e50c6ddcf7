// Reads a dotenv file: KEY=VALUE lines, optional `export `, # comments, '...' or "..." quoted values.
#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace scratch::app {

// Throws ConfigError naming the file and line of a malformed entry.
std::map<std::string, std::string> read_env_file(const std::filesystem::path& path);
std::map<std::string, std::string> parse_env_text(const std::string& text, const std::string& origin);

}  // namespace scratch::app

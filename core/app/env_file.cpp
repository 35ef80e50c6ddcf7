#include "app/env_file.hpp"

#include <fstream>
#include <sstream>

#include "app/config.hpp"

namespace scratch::app {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

bool valid_key(const std::string& key) {
  if (key.empty() || std::isdigit(static_cast<unsigned char>(key[0]))) return false;
  for (unsigned char c : key) {
    if (!std::isalnum(c) && c != '_') return false;
  }
  return true;
}

}  // namespace

std::map<std::string, std::string> parse_env_text(const std::string& text, const std::string& origin) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::string s = trim(line);
    if (s.empty() || s[0] == '#') continue;
    if (s.rfind("export ", 0) == 0) s = trim(s.substr(7));
    const auto eq = s.find('=');
    const std::string where = origin + ":" + std::to_string(number);
    if (eq == std::string::npos) throw ConfigError(where + ": expected KEY=VALUE");
    const std::string key = trim(s.substr(0, eq));
    if (!valid_key(key)) throw ConfigError(where + ": '" + key + "' is not a valid variable name");
    std::string value = trim(s.substr(eq + 1));
    if (!value.empty() && (value[0] == '"' || value[0] == '\'')) {
      const char quote = value[0];
      const auto close = value.find(quote, 1);
      if (close == std::string::npos) throw ConfigError(where + ": unterminated quoted value");
      std::string inner = value.substr(1, close - 1);
      if (quote == '"') {
        std::string unescaped;
        for (std::size_t i = 0; i < inner.size(); ++i) {
          if (inner[i] == '\\' && i + 1 < inner.size()) {
            const char n = inner[++i];
            unescaped.push_back(n == 'n' ? '\n' : n);
          } else {
            unescaped.push_back(inner[i]);
          }
        }
        inner = unescaped;
      }
      value = inner;
    } else {
      const auto hash = value.find(" #");
      if (hash != std::string::npos) value = trim(value.substr(0, hash));
    }
    out[key] = value;
  }
  return out;
}

std::map<std::string, std::string> read_env_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError("cannot read env file " + path.string());
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_env_text(buffer.str(), path.string());
}

}  // namespace scratch::app

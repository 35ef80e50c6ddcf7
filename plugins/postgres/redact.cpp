// Finds a connection string's password without trusting libpq to parse it (the string may be malformed,
// which is exactly when libpq echoes it), then blanks it out of a message.
#include "redact.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <string_view>
#include <vector>

namespace scratch::postgres {
namespace {

std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// postgresql://user:password@host/db: libpq takes the credentials from before the first '@' or '/'.
void add_uri_candidates(std::string_view uri, std::vector<std::string>& out) {
  for (const std::string_view scheme : {"postgresql://", "postgres://"}) {
    if (!uri.starts_with(scheme)) continue;
    const std::string_view rest = uri.substr(scheme.size());
    const auto end = rest.find_first_of("@/");
    if (end != std::string_view::npos && rest[end] == '@') {
      const std::string_view userinfo = rest.substr(0, end);
      if (const auto colon = userinfo.find(':'); colon != std::string_view::npos) {
        out.emplace_back(userinfo.substr(colon + 1));
        out.push_back(percent_decode(userinfo.substr(colon + 1)));
      }
    }
    // ?password=... in the query part.
    std::size_t pos = 0;
    while ((pos = uri.find("password=", pos)) != std::string_view::npos) {
      const bool at_param_start = pos > 0 && (uri[pos - 1] == '?' || uri[pos - 1] == '&');
      pos += 9;
      if (!at_param_start) continue;
      const auto stop = uri.find('&', pos);
      const std::string_view value = uri.substr(pos, stop == std::string_view::npos ? uri.npos : stop - pos);
      out.emplace_back(value);
      out.push_back(percent_decode(value));
    }
    return;
  }
}

// host=x password = 'it''s' ...: keyword, optional spaces, '=', then a quoted or a bare value.
void add_keyword_candidates(std::string_view s, std::vector<std::string>& out) {
  std::size_t pos = 0;
  while ((pos = s.find("password", pos)) != std::string_view::npos) {
    std::size_t i = pos + 8;
    const bool at_word_start = pos == 0 || std::isspace(static_cast<unsigned char>(s[pos - 1]));
    pos = i;
    if (!at_word_start) continue;
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i])))
      ++i;
    if (i >= s.size() || s[i] != '=') continue;
    ++i;
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i])))
      ++i;
    std::string raw, unescaped;
    if (i < s.size() && s[i] == '\'') {
      for (++i; i < s.size() && s[i] != '\''; ++i) {
        raw += s[i];
        if (s[i] == '\\' && i + 1 < s.size()) raw += s[++i];
        unescaped += s[i];
      }
    } else {
      for (; i < s.size() && !std::isspace(static_cast<unsigned char>(s[i])); ++i) {
        raw += s[i];
        if (s[i] == '\\' && i + 1 < s.size()) raw += s[++i];
        unescaped += s[i];
      }
    }
    out.push_back(raw);
    out.push_back(unescaped);
  }
}

// What libpq itself makes of the string, when it can parse it.
void add_parsed_candidate(const std::string& conninfo, std::vector<std::string>& out) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (error) PQfreemem(error);
  if (!options) return;
  for (PQconninfoOption* o = options; o->keyword; ++o) {
    if (std::string_view(o->keyword) == "password" && o->val) out.emplace_back(o->val);
  }
  PQconninfoFree(options);
}

void replace_all(std::string& text, const std::string& needle, std::string_view with) {
  std::size_t pos = 0;
  while ((pos = text.find(needle, pos)) != std::string::npos) {
    text.replace(pos, needle.size(), with);
    pos += with.size();
  }
}

}  // namespace

std::string redact_password(std::string message, const std::string& conninfo) {
  std::vector<std::string> candidates;
  add_parsed_candidate(conninfo, candidates);
  add_uri_candidates(conninfo, candidates);
  add_keyword_candidates(conninfo, candidates);
  // Longest first, so a shorter spelling that is part of a longer one cannot leave the rest behind.
  std::sort(candidates.begin(), candidates.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const auto& secret : candidates) {
    if (!secret.empty()) replace_all(message, secret, "***");
  }
  return message;
}

}  // namespace scratch::postgres

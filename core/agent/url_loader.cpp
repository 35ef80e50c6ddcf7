#include "agent/url_loader.hpp"

#include <algorithm>
#include <cctype>
#include <regex>

#include "http/problem.hpp"

namespace scratch::agent {
namespace {

using nlohmann::json;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string header(const net::HttpResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

// A Location relative to the URL it came from.
std::string resolve(const std::string& base, const std::string& location) {
  if (location.find("://") != std::string::npos) return location;
  static const std::regex origin_re(R"(^([a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*))");
  std::smatch m;
  if (!std::regex_search(base, m, origin_re)) return location;
  if (location.rfind("//", 0) == 0) return base.substr(0, base.find(':')) + ":" + location;
  if (!location.empty() && location[0] == '/') return m[1].str() + location;
  const auto origin_len = static_cast<std::size_t>(m[1].length());
  const auto path_end = base.find_first_of("?#", origin_len);
  std::string dir = base.substr(0, path_end == std::string::npos ? base.size() : path_end);
  const auto slash = dir.rfind('/');
  if (slash == std::string::npos || slash < origin_len)
    dir = m[1].str() + "/";
  else
    dir = dir.substr(0, slash + 1);
  return dir + location;
}

http::ApiError refused(const std::string& code, const std::string& detail) {
  return http::ApiError(422, code, "The URL could not be loaded", detail);
}

std::string decode_entities(const std::string& in) {
  static const std::vector<std::pair<std::string, std::string>> named = {
      {"&amp;", "&"}, {"&lt;", "<"},   {"&gt;", ">"},  {"&quot;", "\""},
      {"&#39;", "'"}, {"&apos;", "'"}, {"&nbsp;", " "}};
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size();) {
    if (in[i] == '&') {
      bool done = false;
      for (const auto& [k, v] : named) {
        if (in.compare(i, k.size(), k) == 0) {
          out += v;
          i += k.size();
          done = true;
          break;
        }
      }
      if (done) continue;
      if (i + 2 < in.size() && in[i + 1] == '#') {
        const auto semi = in.find(';', i);
        if (semi != std::string::npos && semi - i <= 8) {
          const bool hex = in[i + 2] == 'x' || in[i + 2] == 'X';
          const std::string digits = in.substr(i + (hex ? 3 : 2), semi - i - (hex ? 3 : 2));
          char* end = nullptr;
          const unsigned long cp = std::strtoul(digits.c_str(), &end, hex ? 16 : 10);
          if (!digits.empty() && end && *end == '\0' && cp > 0 && cp < 0x110000) {
            // UTF-8 encode.
            if (cp < 0x80) {
              out += static_cast<char>(cp);
            } else if (cp < 0x800) {
              out += static_cast<char>(0xC0 | (cp >> 6));
              out += static_cast<char>(0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
              out += static_cast<char>(0xE0 | (cp >> 12));
              out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
              out += static_cast<char>(0x80 | (cp & 0x3F));
            } else {
              out += static_cast<char>(0xF0 | (cp >> 18));
              out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
              out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
              out += static_cast<char>(0x80 | (cp & 0x3F));
            }
            i = semi + 1;
            continue;
          }
        }
      }
    }
    out += in[i++];
  }
  return out;
}

// Blank runs to one space, and at most one empty line between blocks.
std::string collapse(const std::string& in) {
  std::string out;
  int newlines = 0;
  bool space = false;
  for (const char c : in) {
    if (c == '\n') {
      ++newlines;
      space = false;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      space = true;
      continue;
    }
    if (newlines > 0) {
      if (!out.empty()) out += newlines > 1 ? "\n\n" : "\n";
      newlines = 0;
    } else if (space && !out.empty()) {
      out += ' ';
    }
    space = false;
    out += c;
  }
  return out;
}

}  // namespace

PageText html_to_text(const std::string& html) {
  PageText page;
  const std::string low = lower(html);
  const auto t0 = low.find("<title");
  if (t0 != std::string::npos) {
    const auto open_end = low.find('>', t0);
    const auto t1 = low.find("</title", t0);
    if (open_end != std::string::npos && t1 != std::string::npos && open_end < t1)
      page.title = collapse(decode_entities(html.substr(open_end + 1, t1 - open_end - 1)));
  }
  std::string text;
  text.reserve(html.size() / 2);
  std::size_t i = 0;
  static const std::vector<std::string> skipped = {"script", "style", "noscript", "template", "svg", "head"};
  static const std::vector<std::string> blocks = {
      "p",       "div",     "br",    "li", "tr", "h1",  "h2",         "h3",     "h4",     "h5", "h6",
      "section", "article", "table", "ul", "ol", "pre", "blockquote", "header", "footer", "hr"};
  while (i < html.size()) {
    if (html[i] != '<') {
      text += html[i++];
      continue;
    }
    const auto close = html.find('>', i);
    if (close == std::string::npos) break;
    std::size_t n = i + 1;
    if (n < html.size() && html[n] == '/') ++n;
    std::size_t e = n;
    while (e < close && (std::isalnum(static_cast<unsigned char>(html[e]))))
      ++e;
    const std::string name = lower(html.substr(n, e - n));
    const bool closing = html[i + 1] == '/';
    if (html.compare(i, 4, "<!--") == 0) {
      const auto end = html.find("-->", i + 4);
      i = end == std::string::npos ? html.size() : end + 3;
      continue;
    }
    if (!closing && std::find(skipped.begin(), skipped.end(), name) != skipped.end()) {
      const auto end = low.find("</" + name, close);
      i = end == std::string::npos ? html.size() : low.find('>', end);
      i = i == std::string::npos ? html.size() : i + 1;
      continue;
    }
    // An opening block starts a line; closing a paragraph-like block ends a paragraph (list items and table
    // rows stay one per line).
    if (std::find(blocks.begin(), blocks.end(), name) != blocks.end())
      text += closing ? (name == "li" || name == "tr" || name == "br" ? "" : "\n\n") : "\n";
    i = close + 1;
  }
  page.text = collapse(decode_entities(text));
  return page;
}

namespace {
net::HttpClientOptions loader_options(const UrlLoaderSettings& s) {
  net::HttpClientOptions o;
  o.max_retries = 1;
  o.max_retry_after = std::chrono::milliseconds(5000);
  o.max_response_bytes = s.max_bytes;
  return o;
}
}  // namespace

UrlLoader::UrlLoader(UrlLoaderSettings settings)
    : settings_(std::move(settings)), http_(loader_options(settings_)) {}

json UrlLoader::load(const std::string& url) const {
  const std::string scheme = lower(url.substr(0, url.find(':')));
  if (url.find("://") == std::string::npos || (scheme != "http" && scheme != "https"))
    throw refused("url_refused", "only http:// and https:// URLs can be loaded");
  std::string current = url;
  for (int hop = 0;; ++hop) {
    net::HttpRequest request;
    request.url = current;
    request.timeout = settings_.timeout;
    request.headers.emplace_back("Accept",
                                 "text/html, text/plain, text/markdown, application/json;q=0.9, */*;q=0.1");
    net::CallContext context;
    context.log_tag = "agent:load_url";
    context.address_policy = &settings_.policy;
    const auto outcome = http_.send(request, context);
    if (!outcome.response) {
      const auto& e = *outcome.error;
      if (e.code == "address_refused") throw refused("url_refused", e.message);
      if (e.code == "too_large") throw refused("url_too_large", e.message);
      throw refused("url_failed", e.code + ": " + e.message);
    }
    const auto& r = *outcome.response;
    if (r.status >= 300 && r.status < 400 && !header(r, "location").empty()) {
      if (hop >= settings_.max_redirects)
        throw refused("url_failed", "more than " + std::to_string(settings_.max_redirects) + " redirects");
      current = resolve(current, header(r, "location"));
      const std::string next_scheme = lower(current.substr(0, current.find(':')));
      if (next_scheme != "http" && next_scheme != "https")
        throw refused("url_refused", "a redirect to a " + next_scheme + " URL was refused");
      continue;  // the next send checks the new address the same way
    }
    if (r.body.size() > settings_.max_bytes)
      throw refused("url_too_large", "the page is " + std::to_string(r.body.size()) +
                                         " bytes; the limit is " + std::to_string(settings_.max_bytes));
    const std::string type = lower(header(r, "content-type"));
    json out = {{"url", url}, {"final_url", current}, {"status", r.status}, {"content_type", type}};
    std::string text;
    if (type.find("html") != std::string::npos) {
      auto page = html_to_text(r.body);
      out["title"] = page.title;
      text = std::move(page.text);
    } else if (type.empty() || type.rfind("text/", 0) == 0 || type.find("json") != std::string::npos ||
               type.find("xml") != std::string::npos || type.find("markdown") != std::string::npos) {
      out["title"] = "";
      text = r.body;
    } else {
      throw refused("url_unsupported", "the page is " + type + ", not text");
    }
    const bool truncated = text.size() > settings_.max_text_chars;
    if (truncated) {
      std::size_t cut = settings_.max_text_chars;
      while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut;  // whole characters
      text.resize(cut);
    }
    out["text"] = text;
    out["truncated"] = truncated;
    return out;
  }
}

}  // namespace scratch::agent

#include "markdown.hpp"

#include <scratch/plugin.hpp>
#include <scratch/plugin_util.hpp>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "spec.hpp"

namespace scratch::notion {
namespace {

using nlohmann::json;

// A run of text with one formatting.
struct Span {
  std::string text;
  bool bold = false, italic = false, strike = false, code = false;
  std::string link;

  bool same_format(const Span& o) const {
    return bold == o.bold && italic == o.italic && strike == o.strike && code == o.code && link == o.link;
  }
  bool operator==(const Span& o) const { return text == o.text && same_format(o); }
  bool emphasized() const { return bold || italic || strike; }
};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool is_special(char c) {
  return c == '\\' || c == '*' || c == '~' || c == '`' || c == '[' || c == ']';
}

std::vector<Span> merged(const std::vector<Span>& spans) {
  std::vector<Span> out;
  for (const Span& s : spans) {
    if (s.text.empty()) continue;
    if (!out.empty() && out.back().same_format(s)) {
      out.back().text += s.text;
    } else {
      out.push_back(s);
    }
  }
  return out;
}

std::vector<Span> spans_of(const json& items) {
  std::vector<Span> spans;
  if (!items.is_array()) return spans;
  for (const json& item : items) {
    if (!item.is_object()) continue;
    Span s;
    s.text = plugin::string_or(item, "plain_text");
    s.link = plugin::string_or(item, "href");
    if (item.value("type", "") == "text" && item.contains("text") && item["text"].is_object()) {
      s.text = plugin::string_or(item["text"], "content");
      const json& link = item["text"].value("link", json());
      s.link = link.is_object() ? plugin::string_or(link, "url") : std::string();
    }
    const json a = item.value("annotations", json::object());
    if (a.is_object()) {
      s.bold = a.value("bold", false);
      s.italic = a.value("italic", false);
      s.strike = a.value("strikethrough", false);
      s.code = a.value("code", false);
    }
    spans.push_back(std::move(s));
  }
  return spans;
}

// What Markdown can say about `spans`: emphasis never starts or ends with whitespace (it would not parse),
// and code cannot hold a backtick.
std::vector<Span> expressible(const std::vector<Span>& spans) {
  std::vector<Span> out;
  for (Span s : merged(spans)) {
    if (s.code && s.text.find('`') != std::string::npos) s.code = false;
    if (!s.emphasized() || s.code) {
      out.push_back(s);
      continue;
    }
    std::size_t begin = 0, end = s.text.size();
    while (begin < end && is_space(s.text[begin]))
      ++begin;
    while (end > begin && is_space(s.text[end - 1]))
      --end;
    Span plain = s;
    plain.bold = plain.italic = plain.strike = false;
    plain.text = s.text.substr(0, begin);
    out.push_back(plain);
    Span core = s;
    core.text = s.text.substr(begin, end - begin);
    out.push_back(core);
    plain.text = s.text.substr(end);
    out.push_back(plain);
  }
  return merged(out);
}

std::string escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (is_special(c)) out += '\\';
    out += c;
  }
  return out;
}

std::string render(const std::vector<Span>& spans, bool escape) {
  std::string out;
  for (const Span& s : spans) {
    std::string body = s.code ? "`" + s.text + "`" : (escape ? escaped(s.text) : s.text);
    if (s.italic) body = "*" + body + "*";
    if (s.bold) body = "**" + body + "**";
    if (s.strike) body = "~~" + body + "~~";
    if (!s.link.empty()) body = "[" + body + "](" + s.link + ")";
    out += body;
  }
  return out;
}

// A small recursive-descent reader of the subset. An opener without a closer is literal text; a failed
// attempt is remembered per (closer, formatting) so unmatched delimiters cannot make it quadratic.
class Parser {
 public:
  explicit Parser(const std::string& text) : s_(text) {}

  std::vector<Span> parse() {
    std::vector<Span> out;
    std::size_t pos = 0;
    run(pos, Span{}, "", out);
    return merged(out);
  }

 private:
  bool at(std::size_t pos, const std::string& token) const {
    return s_.compare(pos, token.size(), token) == 0;
  }
  bool opens(std::size_t after) const { return after < s_.size() && !is_space(s_[after]); }
  bool closes(std::size_t pos, const std::string& closer) const {
    return closer == "]" || (pos > 0 && !is_space(s_[pos - 1]));
  }
  static int bits(const Span& f) {
    return (f.bold ? 1 : 0) | (f.italic ? 2 : 0) | (f.strike ? 4 : 0) | (f.link.empty() ? 0 : 8);
  }

  // Reads from pos until `closer` (consumed; returns true) or the end (returns false).
  bool run(std::size_t& pos, const Span& fmt, const std::string& closer, std::vector<Span>& out) {
    std::string buf;
    const auto flush = [&] {
      if (buf.empty()) return;
      Span span = fmt;
      span.text = std::move(buf);
      out.push_back(std::move(span));
      buf.clear();
    };
    while (pos < s_.size()) {
      if (!closer.empty() && at(pos, closer) && closes(pos, closer)) {
        flush();
        pos += closer.size();
        return true;
      }
      const char c = s_[pos];
      if (c == '\\' && pos + 1 < s_.size() && is_special(s_[pos + 1])) {
        buf += s_[pos + 1];
        pos += 2;
        continue;
      }
      if (c == '`') {
        const std::size_t end = s_.find('`', pos + 1);
        if (end != std::string::npos && end > pos + 1) {
          flush();
          Span span = fmt;
          span.code = true;
          span.text = s_.substr(pos + 1, end - pos - 1);
          out.push_back(std::move(span));
          pos = end + 1;
          continue;
        }
      }
      if (c == '*') {
        Span bold = fmt, italic = fmt;
        bold.bold = italic.italic = true;
        if (!fmt.bold && at(pos, "**") && opens(pos + 2) && nested(pos, 2, bold, "**", out, flush)) continue;
        if (!fmt.italic && opens(pos + 1) && nested(pos, 1, italic, "*", out, flush)) continue;
      }
      if (c == '~' && !fmt.strike && at(pos, "~~") && opens(pos + 2)) {
        Span strike = fmt;
        strike.strike = true;
        if (nested(pos, 2, strike, "~~", out, flush)) continue;
      }
      if (c == '[' && fmt.link.empty() && !in_link_ && link(pos, fmt, out, flush)) continue;
      buf += c;
      ++pos;
    }
    flush();
    return false;
  }

  template <typename Flush>
  bool nested(std::size_t& pos, std::size_t len, const Span& fmt, const std::string& closer,
              std::vector<Span>& out, Flush& flush) {
    const auto key = std::make_pair(closer, bits(fmt));
    if (failed_.count(key)) return false;
    std::size_t p = pos + len;
    std::vector<Span> inner;
    if (!run(p, fmt, closer, inner) || merged(inner).empty()) {
      failed_.insert(key);
      return false;
    }
    flush();
    out.insert(out.end(), inner.begin(), inner.end());
    pos = p;
    return true;
  }

  template <typename Flush>
  bool link(std::size_t& pos, const Span& fmt, std::vector<Span>& out, Flush& flush) {
    const auto key = std::make_pair(std::string("]"), bits(fmt));
    if (failed_.count(key)) return false;
    std::size_t p = pos + 1;
    std::vector<Span> inner;
    in_link_ = true;
    const bool closed = run(p, fmt, "]", inner);
    in_link_ = false;
    if (!closed) {
      failed_.insert(key);
      return false;
    }
    if (p >= s_.size() || s_[p] != '(' || merged(inner).empty()) return false;
    int depth = 1;
    std::size_t q = p + 1;
    for (; q < s_.size(); ++q) {
      if (is_space(s_[q])) return false;
      if (s_[q] == '(') ++depth;
      if (s_[q] == ')' && --depth == 0) break;
    }
    if (q >= s_.size() || q == p + 1) return false;
    const std::string url = s_.substr(p + 1, q - p - 1);
    for (Span& span : inner)
      span.link = url;
    flush();
    out.insert(out.end(), inner.begin(), inner.end());
    pos = q + 1;
    return true;
  }

  const std::string& s_;
  std::set<std::pair<std::string, int>> failed_;
  bool in_link_ = false;
};

// Splits text into pieces of at most `limit` UTF-16 code units, never inside a character.
std::vector<std::string> chunks(const std::string& text, std::size_t limit) {
  std::vector<std::string> out;
  std::string current;
  std::size_t units = 0;
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char lead = static_cast<unsigned char>(text[i]);
    const std::size_t len = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    const std::size_t u = len == 4 ? 2 : 1;
    if (units + u > limit) {
      out.push_back(std::move(current));
      current.clear();
      units = 0;
    }
    current.append(text, i, len);
    units += u;
    i += len;
  }
  if (!current.empty()) out.push_back(std::move(current));
  return out;
}

}  // namespace

std::string rich_text_to_markdown(const json& items) {
  const std::vector<Span> spans = expressible(spans_of(items));
  // Unescaped when that reads back the same (the common case: no stray '*' or brackets), else escaped.
  for (const bool escape : {false, true}) {
    std::string markdown = render(spans, escape);
    if (Parser(markdown).parse() == spans) return markdown;
  }
  return render(spans, true);
}

json markdown_to_rich_text(const std::string& markdown) {
  json items = json::array();
  for (const Span& span : Parser(markdown).parse()) {
    for (const std::string& piece : chunks(span.text, kMaxTextContent)) {
      json item = {
          {"type", "text"},
          {"text", {{"content", piece}, {"link", span.link.empty() ? json() : json{{"url", span.link}}}}}};
      if (span.emphasized() || span.code) {
        item["annotations"] = {{"bold", span.bold},
                               {"italic", span.italic},
                               {"strikethrough", span.strike},
                               {"code", span.code}};
      }
      items.push_back(std::move(item));
    }
  }
  if (items.size() > kMaxRichTextItems) {
    throw plugin::Error("invalid_value",
                        "the text needs " + std::to_string(items.size()) +
                            " rich-text pieces; Notion takes at most 100 (2,000 characters each)");
  }
  return items;
}

}  // namespace scratch::notion

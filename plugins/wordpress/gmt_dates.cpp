#include "gmt_dates.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace scratch::wordpress {

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

void civil_from_days(long long z, long long& y, unsigned& m, unsigned& d) {
  z += 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<long long>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

// Reads `count` digits at `pos` into `out`.
bool digits(const std::string& s, std::size_t pos, std::size_t count, int& out) {
  if (pos + count > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

bool valid_date(int y, int m, int d) {
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1 || d > kDays[m - 1]) return false;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return !(m == 2 && d == 29 && !leap);
}

struct Parsed {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  int offset_minutes = 0;
};

// YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][Z|±HH[:]MM]; `need_zone` refuses a time without one.
std::optional<Parsed> parse(const std::string& text, bool need_zone) {
  Parsed p;
  if (!digits(text, 0, 4, p.y) || text.size() < 10 || text[4] != '-' || !digits(text, 5, 2, p.mo) ||
      text[7] != '-' || !digits(text, 8, 2, p.d) || !valid_date(p.y, p.mo, p.d))
    return std::nullopt;
  if (text.size() == 10) return p;
  if (text[10] != 'T' && text[10] != ' ' && text[10] != 't') return std::nullopt;
  if (!digits(text, 11, 2, p.h) || text.size() < 16 || text[13] != ':' || !digits(text, 14, 2, p.mi))
    return std::nullopt;
  std::size_t pos = 16;
  if (pos < text.size() && text[pos] == ':') {
    if (!digits(text, pos + 1, 2, p.s)) return std::nullopt;
    pos += 3;
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      const std::size_t start = pos;
      while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])))
        ++pos;
      if (pos == start) return std::nullopt;
    }
  }
  if (p.h > 23 || p.mi > 59 || p.s > 60) return std::nullopt;
  if (pos == text.size()) {
    if (need_zone) return std::nullopt;
    return p;
  }
  if (text[pos] == 'Z' || text[pos] == 'z')
    return pos + 1 == text.size() ? std::optional<Parsed>(p) : std::nullopt;
  if (text[pos] != '+' && text[pos] != '-') return std::nullopt;
  const int sign = text[pos] == '+' ? 1 : -1;
  int oh = 0, om = 0;
  if (!digits(text, pos + 1, 2, oh)) return std::nullopt;
  std::size_t mpos = pos + 3;
  if (mpos < text.size() && text[mpos] == ':') ++mpos;
  if (!digits(text, mpos, 2, om) || mpos + 2 != text.size() || oh > 23 || om > 59) return std::nullopt;
  p.offset_minutes = sign * (oh * 60 + om);
  return p;
}

std::string format(long long seconds) {
  long long days = seconds / 86400;
  long long rest = seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  long long y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(days, y, m, d);
  char out[64];
  std::snprintf(out, sizeof out, "%04lld-%02u-%02uT%02lld:%02lld:%02lld", y, m, d, rest / 3600,
                rest / 60 % 60, rest % 60);
  return out;
}

}  // namespace

std::optional<std::string> gmt_to_canonical(const std::string& wp_gmt) {
  const auto p = parse(wp_gmt, false);
  if (!p || wp_gmt.size() < 19 || wp_gmt.size() > 19) return std::nullopt;
  return wp_gmt.substr(0, 10) + "T" + wp_gmt.substr(11) + "Z";
}

std::optional<std::string> canonical_to_gmt(const std::string& datetime) {
  // A zone-less time is read as UTC (the canonical form asks for an offset, but be lenient with ours).
  const auto p = parse(datetime, false);
  if (!p) return std::nullopt;
  const long long seconds =
      days_from_civil(p->y, static_cast<unsigned>(p->mo), static_cast<unsigned>(p->d)) * 86400 +
      p->h * 3600LL + p->mi * 60LL + std::min(p->s, 59) - p->offset_minutes * 60LL;
  return format(seconds);
}

}  // namespace scratch::wordpress

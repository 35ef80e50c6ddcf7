// Column type inference: every sampled non-empty value of a column must fit the type.
#include "type_inference.hpp"

namespace scratch::csv {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Digits in [from, to) of text, all of them digits; -1 otherwise.
int count_digits(std::string_view text, std::size_t from, std::size_t to) {
  if (from >= to) return -1;
  for (std::size_t i = from; i < to; ++i) {
    if (!is_digit(text[i])) return -1;
  }
  return static_cast<int>(to - from);
}

bool equals_lower(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

int two_digits(std::string_view text, std::size_t at) {
  return (text[at] - '0') * 10 + (text[at + 1] - '0');
}

}  // namespace

const char* column_type_name(ColumnType type) {
  switch (type) {
    case ColumnType::kNumber:
      return "number";
    case ColumnType::kBoolean:
      return "boolean";
    case ColumnType::kDate:
      return "date";
    case ColumnType::kText:
      break;
  }
  return "text";
}

bool is_number(std::string_view text) {
  std::size_t start = (!text.empty() && text.front() == '-') ? 1 : 0;
  const std::size_t dot = text.find('.', start);
  const std::size_t int_end = dot == std::string_view::npos ? text.size() : dot;
  const int int_digits = count_digits(text, start, int_end);
  if (int_digits < 0) return false;
  if (int_digits > 1 && text[start] == '0') return false;      // "007" is a code, not seven
  if (dot == std::string_view::npos) return int_digits <= 18;  // always fits int64
  const int frac_digits = count_digits(text, dot + 1, text.size());
  if (frac_digits < 0) return false;
  return int_digits + frac_digits <= 15;  // a double holds 15 significant decimal digits exactly
}

std::optional<bool> parse_boolean(std::string_view text) {
  if (equals_lower(text, "true")) return true;
  if (equals_lower(text, "false")) return false;
  return std::nullopt;
}

bool is_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  if (count_digits(text, 0, 4) < 0 || count_digits(text, 5, 7) < 0 || count_digits(text, 8, 10) < 0) {
    return false;
  }
  const int year = two_digits(text, 0) * 100 + two_digits(text, 2);
  const int month = two_digits(text, 5);
  const int day = two_digits(text, 8);
  if (month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int days = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  return day <= days;
}

bool fits_type(ColumnType type, std::string_view text) {
  switch (type) {
    case ColumnType::kNumber:
      return is_number(text);
    case ColumnType::kBoolean:
      return parse_boolean(text).has_value();
    case ColumnType::kDate:
      return is_date(text);
    case ColumnType::kText:
      break;
  }
  return true;
}

TypeInference::TypeInference(std::size_t columns) : columns_(columns) {}

void TypeInference::add(const std::vector<std::string>& row) {
  const std::size_t n = row.size() < columns_.size() ? row.size() : columns_.size();
  for (std::size_t i = 0; i < n; ++i) {
    const std::string& value = row[i];
    if (value.empty()) continue;
    Candidates& c = columns_[i];
    c.seen_value = true;
    if (c.number && !is_number(value)) c.number = false;
    if (c.boolean && !parse_boolean(value)) c.boolean = false;
    if (c.date && !is_date(value)) c.date = false;
  }
}

std::vector<ColumnType> TypeInference::types() const {
  std::vector<ColumnType> types;
  types.reserve(columns_.size());
  for (const Candidates& c : columns_) {
    // The three candidate types never share a value, so at most one survives a non-empty sample.
    if (!c.seen_value) {
      types.push_back(ColumnType::kText);
    } else if (c.number) {
      types.push_back(ColumnType::kNumber);
    } else if (c.boolean) {
      types.push_back(ColumnType::kBoolean);
    } else if (c.date) {
      types.push_back(ColumnType::kDate);
    } else {
      types.push_back(ColumnType::kText);
    }
  }
  return types;
}

}  // namespace scratch::csv

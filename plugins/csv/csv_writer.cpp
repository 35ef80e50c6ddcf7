// CSV writer: minimal quoting, LF line ends.
#include "csv_writer.hpp"

namespace scratch::csv {
namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

}  // namespace

CsvWriter::CsvWriter(std::ostream& out, char delimiter) : out_(out), delimiter_(delimiter) {}

bool CsvWriter::needs_quotes(std::string_view field) const {
  if (field.empty()) return false;
  if (is_blank(field.front()) || is_blank(field.back())) return true;
  for (const char c : field) {
    if (c == delimiter_ || c == '"' || c == '\r' || c == '\n') return true;
  }
  return false;
}

void CsvWriter::write_field(std::string_view field, bool force_quotes) {
  if (!force_quotes && !needs_quotes(field)) {
    out_.write(field.data(), static_cast<std::streamsize>(field.size()));
    return;
  }
  out_.put('"');
  for (const char c : field) {
    if (c == '"') out_.put('"');
    out_.put(c);
  }
  out_.put('"');
}

void CsvWriter::write(const std::vector<std::string>& fields) {
  const bool lone_empty = fields.size() == 1 && fields.front().empty();
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out_.put(delimiter_);
    write_field(fields[i], lone_empty);
  }
  out_.put('\n');
}

}  // namespace scratch::csv

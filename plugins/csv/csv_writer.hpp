// CSV writer: one record per call, fields quoted only when a reader would otherwise misread them.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace scratch::csv {

// Writes LF line ends (never CRLF). A field is quoted when it holds the delimiter, a quote, CR or LF, or
// starts or ends with a space or tab (many tools trim those). A record made of one empty field is
// written as "" because CsvReader skips blank lines.
class CsvWriter {
 public:
  explicit CsvWriter(std::ostream& out, char delimiter = ',');

  void write(const std::vector<std::string>& fields);

 private:
  bool needs_quotes(std::string_view field) const;
  void write_field(std::string_view field, bool force_quotes);

  std::ostream& out_;
  char delimiter_;
};

}  // namespace scratch::csv

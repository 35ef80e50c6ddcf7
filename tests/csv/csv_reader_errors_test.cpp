// Table-driven tests of CsvReader on malformed input: each error names the right physical line.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "csv_reader.hpp"

namespace scratch::csv {
namespace {

struct ErrorCase {
  const char* name;
  std::string input;
  std::uint64_t line;
  std::vector<std::string> message_parts;  // each must appear in what()
  std::size_t max_record_bytes = 16u << 20;
};

const ErrorCase kErrorCases[] = {
    {"ragged_too_many", "a,b\n1,2\n1,2,3\n", 3, {"line 3:", "3 fields", "header has 2"}},
    {"ragged_too_few", "a,b,c\r\n1,2,3\r\n4\r\n", 3, {"line 3:", "1 fields", "header has 3"}},
    {"ragged_after_multiline_field", "a,b\n\"x\ny\",2\n\n1\n", 5, {"line 5:", "1 fields", "header has 2"}},
    {"invalid_utf8_byte", "a,b\n1,2\n\xFF,3\n", 3, {"line 3:", "invalid UTF-8", "0xFF"}},
    {"invalid_utf8_in_header", "a,\xC3\x28\n", 1, {"line 1:", "invalid UTF-8"}},
    {"invalid_utf8_inside_multiline_field",
     "a,b\n\"ok\nstill \xC3\x28\",2\n",
     3,
     {"line 3:", "invalid UTF-8"}},
    {"overlong_encoding", "a\n\xC0\xAF\n", 2, {"line 2:", "invalid UTF-8"}},
    {"surrogate", "a\nx\n\xED\xA0\x80\n", 3, {"line 3:", "invalid UTF-8"}},
    {"above_unicode_range", "a\n\xF4\x90\x80\x80\n", 2, {"line 2:", "invalid UTF-8"}},
    {"truncated_sequence_at_eof", "a\n\xE2\x82", 2, {"line 2:", "invalid UTF-8"}},
    {"truncated_sequence_before_newline", "a\n\xE2\x82\nb\n", 2, {"line 2:", "invalid UTF-8"}},
    {"unterminated_quote", "a,b\n1,2\n\"open,3\n4,5\n6,7\n", 3, {"line 3:", "unterminated quoted field"}},
    {"unterminated_quote_last_field", "a,b\r\n1,\"x\r\n", 2, {"line 2:", "unterminated"}},
    {"text_after_closing_quote", "a,b\n\"x\"y,2\n", 2, {"line 2:", "after a closing quote"}},
    {"record_too_large",
     "a\n\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
     2,
     {"line 2:", "larger than 16 bytes"},
     16},
};

class ErrorTest : public testing::TestWithParam<ErrorCase> {};

TEST_P(ErrorTest, ReportsLine) {
  const ErrorCase& c = GetParam();
  std::istringstream in(c.input);
  ReaderOptions options;
  options.max_record_bytes = c.max_record_bytes;
  CsvReader reader(in, options);
  std::vector<std::string> row;
  try {
    while (reader.next(row)) {
    }
    FAIL() << "no error for " << c.name;
  } catch (const CsvError& e) {
    EXPECT_EQ(e.line(), c.line) << e.what();
    for (const std::string& part : c.message_parts)
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(CsvReader, ErrorTest, testing::ValuesIn(kErrorCases),
                         [](const testing::TestParamInfo<ErrorCase>& info) { return info.param.name; });

}  // namespace
}  // namespace scratch::csv

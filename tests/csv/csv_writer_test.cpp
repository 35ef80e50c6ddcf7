// Tests of CsvWriter: minimal quoting, LF line ends, and that CsvReader reads back exactly what was written.
#include "csv_writer.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "csv_reader.hpp"

namespace scratch::csv {
namespace {

using Row = std::vector<std::string>;

std::string write_rows(const std::vector<Row>& rows, char delimiter = ',') {
  std::ostringstream out;
  CsvWriter writer(out, delimiter);
  for (const Row& row : rows)
    writer.write(row);
  return out.str();
}

std::vector<Row> read_rows(const std::string& text, char delimiter = ',') {
  std::istringstream in(text);
  CsvReader reader(in, ReaderOptions{delimiter});
  std::vector<Row> rows;
  Row row;
  while (reader.next(row))
    rows.push_back(row);
  return rows;
}

struct QuotingCase {
  Row row;
  std::string expected;
  char delimiter = ',';
};

TEST(CsvWriterTest, QuotesOnlyWhenNeeded) {
  const QuotingCase cases[] = {
      {{"a", "b c", "1.5"}, "a,b c,1.5\n"},
      {{"x,y"}, "\"x,y\"\n"},
      {{"say \"hi\""}, "\"say \"\"hi\"\"\"\n"},
      {{"l1\nl2", "r\r"}, "\"l1\nl2\",\"r\r\"\n"},
      {{" lead", "trail ", "\ttab"}, "\" lead\",\"trail \",\"\ttab\"\n"},
      {{"", "", ""}, ",,\n"},
      {{""}, "\"\"\n"},
      {{"a;b", "a,b"}, "\"a;b\";a,b\n", ';'},
      {{"Zoë", "日本"}, "Zoë,日本\n"},
  };
  for (const QuotingCase& c : cases)
    EXPECT_EQ(write_rows({c.row}, c.delimiter), c.expected);
}

TEST(CsvWriterTest, NeverWritesCrlfLineEnds) {
  const std::string text = write_rows({{"a", "b"}, {"1", "2"}, {"3", "4"}});
  EXPECT_EQ(text.find('\r'), std::string::npos);
  EXPECT_EQ(text, "a,b\n1,2\n3,4\n");
}

TEST(CsvWriterTest, RoundTripsEveryAwkwardField) {
  const std::vector<Row> rows = {
      {"id", "text", "more"},
      {"1", "", ""},
      {"2", " lead", "trail "},
      {"3", "a,b", "q\"uote"},
      {"4", "multi\nline", "crlf\r\ninside"},
      {"5", "\"", "\"\""},
      {"6", "Zoë 日本 😀", "plain"},
      {"7", "lone\rcr", "x"},
  };
  EXPECT_EQ(read_rows(write_rows(rows)), rows);
  EXPECT_EQ(read_rows(write_rows(rows, '\t'), '\t'), rows);
  EXPECT_EQ(read_rows(write_rows(rows, ';'), ';'), rows);
}

TEST(CsvWriterTest, RoundTripsSingleColumnWithEmptyValues) {
  const std::vector<Row> rows = {{"name"}, {""}, {"x"}, {""}};
  EXPECT_EQ(read_rows(write_rows(rows)), rows);
}

}  // namespace
}  // namespace scratch::csv

// Table-driven tests of CsvReader on well-formed input: quoting, line ends, BOM, blank lines, delimiters,
// and the offsets and line numbers a resumed reader starts from.
#include "csv_reader.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"

namespace scratch::csv {
namespace {

using Records = std::vector<std::vector<std::string>>;

Records read_all(const std::string& input, char delimiter = ',') {
  std::istringstream in(input);
  CsvReader reader(in, ReaderOptions{delimiter});
  Records out;
  std::vector<std::string> row;
  while (reader.next(row))
    out.push_back(row);
  return out;
}

struct ParseCase {
  const char* name;
  std::string input;
  Records expected;
  char delimiter = ',';
};

const ParseCase kParseCases[] = {
    {"simple_lf", "a,b\n1,2\n", {{"a", "b"}, {"1", "2"}}},
    {"no_final_newline", "a,b\n1,2", {{"a", "b"}, {"1", "2"}}},
    {"crlf", "a,b\r\n1,2\r\n", {{"a", "b"}, {"1", "2"}}},
    {"crlf_lf_mix", "a,b\r\n1,2\n3,4\r\n5,6", {{"a", "b"}, {"1", "2"}, {"3", "4"}, {"5", "6"}}},
    {"lone_cr", "a,b\r1,2\r", {{"a", "b"}, {"1", "2"}}},
    {"quoted_comma", "a,b\n\"x,y\",2\n", {{"a", "b"}, {"x,y", "2"}}},
    {"doubled_quotes", "a,b\n\"say \"\"hi\"\"\",\"\"\"\"\n", {{"a", "b"}, {"say \"hi\"", "\""}}},
    {"embedded_lf", "a,b\n\"line1\nline2\",2\n", {{"a", "b"}, {"line1\nline2", "2"}}},
    {"embedded_crlf_kept", "a,b\n\"l1\r\nl2\",2\r\n", {{"a", "b"}, {"l1\r\nl2", "2"}}},
    {"quoted_at_eof", "a,b\n1,\"x\"", {{"a", "b"}, {"1", "x"}}},
    {"empty_fields", "a,b,c\n,,\n", {{"a", "b", "c"}, {"", "", ""}}},
    {"empty_quoted", "a,b\n\"\",x\n", {{"a", "b"}, {"", "x"}}},
    {"trailing_delimiter_at_eof", "a,b\n1,", {{"a", "b"}, {"1", ""}}},
    {"bom_skipped",
     "\xEF\xBB\xBF"
     "a,b\n1,2\n",
     {{"a", "b"}, {"1", "2"}}},
    {"blank_lines_skipped", "a,b\n\n1,2\r\n\r\n\n3,4\n\n", {{"a", "b"}, {"1", "2"}, {"3", "4"}}},
    {"semicolon", "a;b\n1,5;2\n", {{"a", "b"}, {"1,5", "2"}}, ';'},
    {"tab", "a\tb\n\"x\ty\"\t2\n", {{"a", "b"}, {"x\ty", "2"}}, '\t'},
    {"quote_inside_unquoted_is_literal", "a,b\n5\" pipe,2\n", {{"a", "b"}, {"5\" pipe", "2"}}},
    {"spaces_kept", "a,b\n  x , y\n", {{"a", "b"}, {"  x ", " y"}}},
    {"one_column_empty_value", "a\n\"\"\nx\n", {{"a"}, {""}, {"x"}}},
    {"utf8", "name\nZoë\n日本\n😀\n", {{"name"}, {"Zoë"}, {"日本"}, {"😀"}}},
    {"empty_file", "", {}},
    {"bom_only", "\xEF\xBB\xBF", {}},
    {"only_newlines", "\n\r\n\n", {}},
    {"header_only_with_newline", "a,b\n", {{"a", "b"}}},
    {"header_only_without_newline", "a,b", {{"a", "b"}}},
};

class ParseTest : public testing::TestWithParam<ParseCase> {};

TEST_P(ParseTest, ReadsExpectedRecords) {
  const ParseCase& c = GetParam();
  EXPECT_EQ(read_all(c.input, c.delimiter), c.expected);
}

INSTANTIATE_TEST_SUITE_P(CsvReader, ParseTest, testing::ValuesIn(kParseCases),
                         [](const testing::TestParamInfo<ParseCase>& info) { return info.param.name; });

TEST(CsvReaderTest, ReportsOffsetAndLineAfterEachRecord) {
  // BOM (3) + "a,b\r\n" (5) + "\"x\ny\",2\n" (8) + "\n" (blank) + "3,4" (3)
  std::istringstream in(
      "\xEF\xBB\xBF"
      "a,b\r\n\"x\ny\",2\n\n3,4");
  CsvReader reader(in);
  std::vector<std::string> row;

  ASSERT_TRUE(reader.next(row));
  EXPECT_EQ(reader.record_line(), 1u);
  EXPECT_EQ(reader.position().offset, 8u);
  EXPECT_EQ(reader.position().line, 2u);

  ASSERT_TRUE(reader.next(row));
  EXPECT_EQ(reader.record_line(), 2u);
  EXPECT_EQ(reader.position().offset, 16u);
  EXPECT_EQ(reader.position().line, 4u);

  ASSERT_TRUE(reader.next(row));
  EXPECT_EQ(reader.record_line(), 5u);
  EXPECT_EQ(reader.position().offset, 20u);
  EXPECT_EQ(reader.position().line, 5u);

  EXPECT_FALSE(reader.next(row));
}

TEST(CsvReaderTest, ResumesFromEveryRecordBoundaryOfAFile) {
  const std::string text =
      "\xEF\xBB\xBF"
      "id,note\r\n1,plain\n2,\"multi\r\nline, \"\"quoted\"\"\"\r\n\n3,\"a\nb\nc\"\n4,last";
  test::TempDir dir("csv-reader");
  const std::string path = dir.path() + "/data.csv";
  std::ofstream(path, std::ios::binary) << text;

  // One pass collects every record with the position after it.
  std::vector<std::vector<std::string>> records;
  std::vector<Position> after;
  {
    CsvReader reader{std::filesystem::path(path)};
    std::vector<std::string> row;
    while (reader.next(row)) {
      records.push_back(row);
      after.push_back(reader.position());
    }
  }
  ASSERT_EQ(records.size(), 5u);
  EXPECT_EQ(records[2], (std::vector<std::string>{"2", "multi\r\nline, \"quoted\""}));

  // A reader started at any of those positions sees exactly the records that follow, on the right lines.
  for (std::size_t start = 0; start < after.size(); ++start) {
    CsvReader resumed(std::filesystem::path(path), ReaderOptions{',', 2}, after[start]);
    std::vector<std::string> row;
    std::size_t i = start + 1;
    while (resumed.next(row)) {
      ASSERT_LT(i, records.size());
      EXPECT_EQ(row, records[i]) << "resumed after record " << start;
      EXPECT_EQ(resumed.position().offset, after[i].offset);
      EXPECT_EQ(resumed.position().line, after[i].line);
      ++i;
    }
    EXPECT_EQ(i, records.size());
  }
}

TEST(CsvReaderTest, ResumedReaderStillChecksFieldCountAndReportsFileLine) {
  test::TempDir dir("csv-reader");
  const std::string path = dir.path() + "/data.csv";
  std::ofstream(path, std::ios::binary) << "a,b\n1,2\n\"x\ny\",3\n4\n";
  CsvReader resumed(std::filesystem::path(path), ReaderOptions{',', 2}, Position{8, 3});
  std::vector<std::string> row;
  ASSERT_TRUE(resumed.next(row));
  try {
    resumed.next(row);
    FAIL() << "expected a ragged-row error";
  } catch (const CsvError& e) {
    EXPECT_EQ(e.line(), 5u);
  }
}

TEST(CsvReaderTest, MissingFileThrows) {
  EXPECT_THROW(CsvReader(std::filesystem::path("/nonexistent/file.csv")), std::runtime_error);
}

}  // namespace
}  // namespace scratch::csv

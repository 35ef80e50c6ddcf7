// Streaming RFC 4180 reader: one record at a time from a stream or file, in bounded memory, with the byte
// offset and physical line after each record so a later reader can resume exactly there.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <istream>
#include <stdexcept>
#include <string>
#include <vector>

#include "utf8_validator.hpp"

namespace scratch::csv {

// Malformed input. what() reads "line N: ..." with N the 1-based physical line it concerns.
class CsvError : public std::runtime_error {
 public:
  CsvError(std::uint64_t line, const std::string& message);
  std::uint64_t line() const { return line_; }

 private:
  std::uint64_t line_;
};

struct ReaderOptions {
  char delimiter = ',';
  // Field count every record must have; 0 means "as many as the first record read" (the header). A reader
  // resuming mid-file never sees the header, so the caller passes the header's count.
  std::size_t expected_fields = 0;
  // One record larger than this is an error: it keeps memory bounded when a stray quote would otherwise
  // swallow the rest of the file into a single field.
  std::size_t max_record_bytes = 16u << 20;
};

// A place in the file: bytes from its very start (BOM included) and the physical line beginning there.
struct Position {
  std::uint64_t offset = 0;
  std::uint64_t line = 1;
};

// Accepts: quoted fields holding delimiters, doubled quotes and line breaks; LF, CRLF or lone CR line
// ends, mixed freely; a last line without a line end; a UTF-8 BOM at offset 0. A quote inside an
// unquoted field is kept as a literal character (common in hand-made files, e.g. 5" pipe). Blank lines
// between records are skipped, so a one-column record with an empty value must be written as "".
// Rejects, with the line number: invalid UTF-8, text after a closing quote, an unterminated quote (at
// the line the quote opened), and a record whose field count differs from the expected one.
class CsvReader {
 public:
  // Reads `in`, which the caller has already positioned at `start`; `start` only feeds offsets and lines.
  explicit CsvReader(std::istream& in, ReaderOptions options = {}, Position start = {});
  // Opens `path` and seeks to `start`. Throws std::runtime_error when the file cannot be opened.
  explicit CsvReader(const std::filesystem::path& path, ReaderOptions options = {}, Position start = {});

  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Reads the next record into `fields` (reusing its strings). False at end of input. Throws CsvError.
  bool next(std::vector<std::string>& fields);

  // Just after the last record returned (its line end included): where a resumed reader starts.
  Position position() const { return {offset_, line_}; }
  // The physical line the last record returned started on.
  std::uint64_t record_line() const { return record_line_; }
  // The field count records are checked against (0 until the first record when not given).
  std::size_t expected_fields() const { return options_.expected_fields; }

 private:
  int peek();
  int get();
  bool refill();
  void skip_bom();
  void check_utf8(int byte);

  std::ifstream file_;  // only used by the path constructor
  std::istream& in_;
  ReaderOptions options_;
  std::vector<char> buffer_;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  bool at_start_;
  std::uint64_t offset_;
  std::uint64_t line_;
  std::uint64_t record_line_ = 0;
  Utf8Validator utf8_;
};

}  // namespace scratch::csv

// Streaming RFC 4180 reader: a byte-level state machine over a fixed-size buffer.
#include "csv_reader.hpp"

#include <cstdio>

namespace scratch::csv {
namespace {

constexpr std::size_t kBufferBytes = 64 * 1024;

enum class State { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted };

std::string hex_byte(int byte) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%02X", byte);
  return text;
}

}  // namespace

CsvError::CsvError(std::uint64_t line, const std::string& message)
    : std::runtime_error("line " + std::to_string(line) + ": " + message), line_(line) {}

CsvReader::CsvReader(std::istream& in, ReaderOptions options, Position start)
    : in_(in),
      options_(options),
      buffer_(kBufferBytes),
      at_start_(start.offset == 0),
      offset_(start.offset),
      line_(start.line) {}

CsvReader::CsvReader(const std::filesystem::path& path, ReaderOptions options, Position start)
    : file_(path, std::ios::binary),
      in_(file_),
      options_(options),
      buffer_(kBufferBytes),
      at_start_(start.offset == 0),
      offset_(start.offset),
      line_(start.line) {
  if (!file_) throw std::runtime_error("cannot open " + path.string());
  if (start.offset > 0 && !file_.seekg(static_cast<std::streamoff>(start.offset))) {
    throw std::runtime_error("cannot seek in " + path.string());
  }
}

bool CsvReader::refill() {
  if (!in_) return false;
  in_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  pos_ = 0;
  end_ = static_cast<std::size_t>(in_.gcount());
  return end_ > 0;
}

int CsvReader::peek() {
  if (pos_ == end_ && !refill()) return -1;
  return static_cast<unsigned char>(buffer_[pos_]);
}

int CsvReader::get() {
  if (pos_ == end_ && !refill()) return -1;
  ++offset_;
  return static_cast<unsigned char>(buffer_[pos_++]);
}

void CsvReader::skip_bom() {
  at_start_ = false;
  // The buffer holds at least 3 bytes unless the whole input is shorter.
  if (peek() != 0xEF || end_ - pos_ < 3) return;
  if (static_cast<unsigned char>(buffer_[pos_ + 1]) == 0xBB &&
      static_cast<unsigned char>(buffer_[pos_ + 2]) == 0xBF) {
    pos_ += 3;
    offset_ += 3;
  }
}

void CsvReader::check_utf8(int byte) {
  if (!utf8_.accept(static_cast<std::uint8_t>(byte))) {
    utf8_ = Utf8Validator();
    throw CsvError(line_, "invalid UTF-8 (byte " + hex_byte(byte) + ")");
  }
}

bool CsvReader::next(std::vector<std::string>& fields) {
  if (at_start_) skip_bom();

  // Blank lines between records carry no data.
  for (;;) {
    const int c = peek();
    if (c == -1) return false;
    if (c != '\n' && c != '\r') break;
    get();
    if (c == '\r' && peek() == '\n') get();
    ++line_;
  }

  record_line_ = line_;
  std::size_t count = 0;
  auto start_field = [&]() -> std::string& {
    if (count == fields.size()) fields.emplace_back();
    std::string& field = fields[count++];
    field.clear();
    return field;
  };
  std::string* field = &start_field();
  State state = State::kFieldStart;
  std::uint64_t quote_line = 0;
  const std::uint64_t record_offset = offset_;
  const char delimiter = options_.delimiter;

  for (;;) {
    const int c = get();
    if (c == -1) {
      if (state == State::kQuoted)
        throw CsvError(quote_line, "unterminated quoted field (the quote opened here)");
      if (!utf8_.complete()) {
        utf8_ = Utf8Validator();
        throw CsvError(line_, "invalid UTF-8 (truncated sequence at end of file)");
      }
      break;
    }
    if (c >= 0x80 || !utf8_.complete()) check_utf8(c);
    if (offset_ - record_offset > options_.max_record_bytes) {
      throw CsvError(record_line_, "record is larger than " + std::to_string(options_.max_record_bytes) +
                                       " bytes (an unterminated quote?)");
    }

    const char ch = static_cast<char>(c);
    bool record_done = false;
    switch (state) {
      case State::kFieldStart:
        if (ch == '"') {
          state = State::kQuoted;
          quote_line = line_;
          break;
        }
        state = State::kUnquoted;
        [[fallthrough]];
      case State::kUnquoted:
      case State::kQuoteInQuoted:
        if (ch == delimiter) {
          field = &start_field();
          state = State::kFieldStart;
        } else if (ch == '\n' || ch == '\r') {
          if (ch == '\r' && peek() == '\n') get();
          ++line_;
          record_done = true;
        } else if (state == State::kQuoteInQuoted) {
          if (ch != '"') throw CsvError(line_, "unexpected character after a closing quote");
          field->push_back('"');  // a doubled quote inside a quoted field
          state = State::kQuoted;
        } else {
          field->push_back(ch);
        }
        break;
      case State::kQuoted:
        if (ch == '"') {
          state = State::kQuoteInQuoted;
        } else {
          // A line break inside quotes is data, but still a new physical line. CRLF counts once, at LF.
          if (ch == '\n' || (ch == '\r' && peek() != '\n')) ++line_;
          field->push_back(ch);
        }
        break;
    }
    if (record_done) break;
  }

  fields.resize(count);
  if (options_.expected_fields == 0) {
    options_.expected_fields = count;
  } else if (count != options_.expected_fields) {
    throw CsvError(record_line_, "row has " + std::to_string(count) + " fields but the header has " +
                                     std::to_string(options_.expected_fields));
  }
  return true;
}

}  // namespace scratch::csv

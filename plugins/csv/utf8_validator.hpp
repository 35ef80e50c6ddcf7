// Incremental UTF-8 validation, one byte at a time, so the CSV reader can reject bad input at the exact
// line it occurs on without buffering or re-scanning fields.
#pragma once

#include <cstdint>

namespace scratch::csv {

// Accepts exactly the well-formed sequences of RFC 3629 / Unicode table 3-7: no overlong forms, no
// surrogates, nothing above U+10FFFF.
class Utf8Validator {
 public:
  // False when `byte` cannot continue the text seen so far.
  bool accept(std::uint8_t byte) {
    if (pending_ == 0) {
      if (byte < 0x80) return true;
      lo_ = 0x80;
      hi_ = 0xBF;
      if (byte >= 0xC2 && byte <= 0xDF) {
        pending_ = 1;
      } else if (byte >= 0xE0 && byte <= 0xEF) {
        pending_ = 2;
        if (byte == 0xE0) lo_ = 0xA0;  // overlong below U+0800
        if (byte == 0xED) hi_ = 0x9F;  // UTF-16 surrogates
      } else if (byte >= 0xF0 && byte <= 0xF4) {
        pending_ = 3;
        if (byte == 0xF0) lo_ = 0x90;  // overlong below U+10000
        if (byte == 0xF4) hi_ = 0x8F;  // above U+10FFFF
      } else {
        return false;  // stray continuation byte, C0/C1 (overlong) or F5..FF
      }
      return true;
    }
    if (byte < lo_ || byte > hi_) return false;
    --pending_;
    lo_ = 0x80;
    hi_ = 0xBF;
    return true;
  }

  // True when no multi-byte sequence is left unfinished (checked at end of input).
  bool complete() const { return pending_ == 0; }

 private:
  int pending_ = 0;
  std::uint8_t lo_ = 0x80;
  std::uint8_t hi_ = 0xBF;
};

}  // namespace scratch::csv

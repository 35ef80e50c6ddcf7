// Random hex strings for secrets and unique names in tests.
#include "support/random_hex.hpp"

#include <random>

namespace scratch::test {

std::string random_hex(std::size_t chars) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::random_device rd;
  std::string out;
  out.reserve(chars);
  while (out.size() < chars) {
    auto bits = rd();
    for (int i = 0; i < 8 && out.size() < chars; ++i, bits >>= 4)
      out += kDigits[bits & 0xf];
  }
  return out;
}

}  // namespace scratch::test

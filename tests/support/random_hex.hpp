// Random hex strings for secrets and unique names in tests.
#pragma once

#include <cstddef>
#include <string>

namespace scratch::test {

// `chars` lowercase hex digits from std::random_device (non-deterministic, so parallel runs don't collide).
std::string random_hex(std::size_t chars);

}  // namespace scratch::test

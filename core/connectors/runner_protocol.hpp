// Framing between scratchd and its connector-runner processes: each message is a 4-byte big-endian
// length followed by that many bytes of JSON text, over a pipe.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace scratch::connectors {

constexpr std::size_t kMaxFrameBytes = 512u << 20;

// False when the peer has gone (EPIPE) or the write failed.
bool write_frame(int fd, const std::string& payload);

enum class ReadStatus { ok, eof, timeout, too_large, error };
// Reads one frame; with a deadline, gives up with `timeout` when it passes.
ReadStatus read_frame(int fd, std::string& payload,
                      std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt);

}  // namespace scratch::connectors

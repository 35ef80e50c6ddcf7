// Low-level fork/execve of a child process with a scrubbed environment, for launching scratchd.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace scratch::test {

struct SpawnSpec {
  std::string program;            // a path; searched in $PATH if it contains no '/'
  std::vector<std::string> args;  // argv[1..]; argv[0] is program
  std::vector<std::string> env;   // complete environment, "NAME=value"
  std::string cwd;                // empty: inherit
  int stdin_fd = -1;              // -1: /dev/null
  int stdout_fd = -1;
  int stderr_fd = -1;
};

// Starts the child and returns its pid. Throws std::runtime_error if the program can't be executed.
// The child gets only fds 0-2 (no leaked sockets), default signal handling, and is SIGKILLed if the
// forking thread dies, so a crashed test doesn't leave servers behind.
pid_t spawn_process(const SpawnSpec& spec);

// The parent's environment minus anything that could configure scratchd behind the test's back
// (DATABASE_URL, PORT, SERVICE_TYPE, SCRATCH_*), with `overrides` applied on top.
std::vector<std::string> child_environment(const std::map<std::string, std::string>& overrides);

// waitpid status -> exit code, or 128+signal if killed by a signal (shell convention).
int decode_wait_status(int status);

}  // namespace scratch::test

#include "support/private_cluster.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "support/free_port.hpp"

namespace scratch::test {
namespace {

std::string find_bindir() {
  if (const char* env = std::getenv("SCRATCH_TEST_PG_BINDIR"); env && *env) return env;
  std::string best;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql")) {
    const auto bin = entry.path() / "bin";
    if (std::filesystem::exists(bin / "pg_ctl") && bin.string() > best) best = bin.string();
  }
  if (best.empty()) throw std::runtime_error("no PostgreSQL binaries under /usr/lib/postgresql");
  return best;
}

std::string quote(const std::string& s) {
  return "'" + s + "'";
}

}  // namespace

PrivateCluster::PrivateCluster() : dir_("scratch-pg"), bindir_(find_bindir()), port_(free_tcp_port()) {
  if (::geteuid() == 0) {
    run("chown postgres " + quote(dir_.path()));
  }
  run(quote(bindir_ + "/initdb") + " -D " + quote(dir_.path() + "/pg") + " -U postgres -A trust -E UTF8 >" +
      quote(dir_.path() + "/initdb.log") + " 2>&1");
  start();
}

PrivateCluster::~PrivateCluster() {
  try {
    if (running_) stop();
  } catch (...) {
    // best effort in a destructor
  }
}

void PrivateCluster::run(const std::string& command) const {
  const std::string full = ::geteuid() == 0 && command.rfind("chown", 0) != 0
                               ? "runuser -u postgres -- sh -c " + quote(command)
                               : command;
  if (std::system(full.c_str()) != 0) {
    std::ifstream log(dir_.path() + "/server.log");
    std::stringstream text;
    text << log.rdbuf();
    throw std::runtime_error("command failed: " + full + "\n" + text.str());
  }
}

void PrivateCluster::start() {
  run(quote(bindir_ + "/pg_ctl") + " -D " + quote(dir_.path() + "/pg") + " -l " +
      quote(dir_.path() + "/server.log") + " -w -t 60 -o " + "\"-p " + std::to_string(port_) + " -k " +
      dir_.path() + " -c listen_addresses=127.0.0.1 -c fsync=off\" start >/dev/null");
  running_ = true;
}

void PrivateCluster::stop() {
  run(quote(bindir_ + "/pg_ctl") + " -D " + quote(dir_.path() + "/pg") + " -m fast -w stop >/dev/null");
  running_ = false;
}

std::string PrivateCluster::url() const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/postgres";
}

}  // namespace scratch::test

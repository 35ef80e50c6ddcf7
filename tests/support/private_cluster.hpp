// A PostgreSQL cluster of the test's own, for tests that stop and start the database for real.
// PostgreSQL refuses to run as root, so as root its commands run as the `postgres` user.
#pragma once

#include <string>

#include "support/temp_dir.hpp"

namespace scratch::test {

class PrivateCluster {
 public:
  PrivateCluster();   // initdb (trust auth) and start on a free port; throws with the server log on failure
  ~PrivateCluster();  // stops it; the temp dir goes with it
  PrivateCluster(const PrivateCluster&) = delete;
  PrivateCluster& operator=(const PrivateCluster&) = delete;

  void start();
  void stop();  // fast shutdown: clients get "terminating connection due to administrator command"
  std::string url() const;  // superuser URL to the `postgres` database
  int port() const { return port_; }

 private:
  void run(const std::string& command) const;
  TempDir dir_;
  std::string bindir_;
  int port_ = 0;
  bool running_ = false;
};

}  // namespace scratch::test

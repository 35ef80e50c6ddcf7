// A throwaway PostgreSQL database per test, created on the cluster from SCRATCH_TEST_DATABASE_URL.
#pragma once

#include <string>

namespace scratch::test {

class TestDatabase {
 public:
  // Creates scratch_t_<pid>_<counter>_<random hex>. Throws std::runtime_error if
  // SCRATCH_TEST_DATABASE_URL is unset or the database can't be created.
  TestDatabase();
  ~TestDatabase();  // DROP DATABASE ... WITH (FORCE) (kicks out a still-running scratchd); errors ignored

  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  // The admin URL with its database replaced by name(); user, password and ?query are kept.
  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

  // SCRATCH_TEST_DATABASE_URL (a superuser URL), or throws std::runtime_error if unset.
  static std::string admin_url();

  // url() with host:port replaced, e.g. to route scratchd through a TcpProxy.
  std::string url_via(const std::string& host, int port) const;

 private:
  std::string name_;
  std::string url_;
};

}  // namespace scratch::test

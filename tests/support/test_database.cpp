// A throwaway PostgreSQL database per test, created on the cluster from SCRATCH_TEST_DATABASE_URL.
#include "support/test_database.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <stdexcept>

#include <pqxx/pqxx>

#include "support/random_hex.hpp"

namespace scratch::test {
namespace {

// postgresql://[userinfo@]host[:port][/db][?query], split just enough to swap host/port or db.
struct PgUrl {
  std::string scheme;    // "postgresql://" or "postgres://"
  std::string userinfo;  // "user[:pass]@" including the '@', or empty
  std::string host;      // without IPv6 brackets; may be empty (libpq default / ?host=)
  std::string port;      // may be empty
  std::string db;
  std::string query;  // "?..." including the '?', or empty
};

PgUrl parse_pg_url(const std::string& url) {
  PgUrl u;
  for (const char* scheme : {"postgresql://", "postgres://"}) {
    if (url.starts_with(scheme)) u.scheme = scheme;
  }
  if (u.scheme.empty()) throw std::runtime_error("not a postgresql:// or postgres:// URL: " + url);

  std::string rest = url.substr(u.scheme.size());
  if (const auto hash = rest.find('#'); hash != std::string::npos) rest.erase(hash);
  if (const auto q = rest.find('?'); q != std::string::npos) {
    u.query = rest.substr(q);
    rest.erase(q);
  }
  if (const auto slash = rest.find('/'); slash != std::string::npos) {
    u.db = rest.substr(slash + 1);
    rest.erase(slash);
  }
  // rfind: an unencoded '@' in a password is wrong but common; the host never contains one.
  if (const auto at = rest.rfind('@'); at != std::string::npos) {
    u.userinfo = rest.substr(0, at + 1);
    rest.erase(0, at + 1);
  }
  if (rest.starts_with('[')) {
    const auto close = rest.find(']');
    if (close == std::string::npos) throw std::runtime_error("bad IPv6 host in URL: " + url);
    u.host = rest.substr(1, close - 1);
    if (close + 1 < rest.size() && rest[close + 1] == ':') u.port = rest.substr(close + 2);
  } else if (const auto colon = rest.rfind(':'); colon != std::string::npos) {
    u.host = rest.substr(0, colon);
    u.port = rest.substr(colon + 1);
  } else {
    u.host = rest;
  }
  return u;
}

std::string format_host(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

std::string build_url(const PgUrl& u) {
  std::string out = u.scheme + u.userinfo + format_host(u.host);
  if (!u.port.empty()) out += ":" + u.port;
  return out + "/" + u.db + u.query;
}

}  // namespace

std::string TestDatabase::admin_url() {
  const char* url = std::getenv("SCRATCH_TEST_DATABASE_URL");
  if (url == nullptr || *url == '\0')
    throw std::runtime_error("SCRATCH_TEST_DATABASE_URL is not set: run the suite with scripts/test.sh");
  return url;
}

TestDatabase::TestDatabase() {
  static std::atomic<unsigned> counter{0};
  const std::string admin = admin_url();
  name_ = "scratch_t_" + std::to_string(::getpid()) + "_" + std::to_string(++counter) + "_" + random_hex(8);
  PgUrl u = parse_pg_url(admin);
  u.db = name_;  // plain [a-z0-9_], so no percent-encoding needed
  url_ = build_url(u);

  try {
    pqxx::connection c{admin};
    pqxx::nontransaction w{c};
    w.exec0("CREATE DATABASE " + w.quote_name(name_));
  } catch (const std::exception& e) {
    throw std::runtime_error("TestDatabase: cannot create " + name_ + ": " + e.what());
  }
}

TestDatabase::~TestDatabase() {
  try {
    pqxx::connection c{admin_url()};
    pqxx::nontransaction w{c};
    w.exec0("DROP DATABASE IF EXISTS " + w.quote_name(name_) + " WITH (FORCE)");
  } catch (...) {
    // Best effort: the cluster is throwaway, and a destructor must not throw.
  }
}

std::string TestDatabase::url_via(const std::string& host, int port) const {
  PgUrl u = parse_pg_url(url_);
  u.host = host;
  u.port = std::to_string(port);
  return build_url(u);
}

}  // namespace scratch::test

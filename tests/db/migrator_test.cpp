// The migration runner against a real database: ordering, idempotence, concurrent starts, edited
// migrations, and a failing migration leaving nothing behind.
#include "db/migrator.hpp"

#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <thread>

#include "support/scratchd_process.hpp"
#include "support/test_database.hpp"

namespace scratch::db {
namespace {

using test::TestDatabase;

int count(const std::string& url, const std::string& sql) {
  pqxx::connection c{url};
  pqxx::nontransaction n{c};
  return n.exec1(sql)[0].as<int>();
}

std::vector<Migration> sample() {
  return {{1, "one", "CREATE TABLE t1 (id int)"},
          {2, "two", "CREATE TABLE t2 (id int); INSERT INTO t1 VALUES (1)"}};
}

TEST(Migrator, AppliesInOrderAndRecordsEach) {
  TestDatabase db;
  const auto report = Migrator(db.url(), {sample()[1], sample()[0]}).run();
  EXPECT_EQ(report.applied, (std::vector<std::string>{"0001_one", "0002_two"}));
  EXPECT_EQ(report.latest_version, 2);
  EXPECT_EQ(count(db.url(), "SELECT count(*) FROM schema_migrations"), 2);
  EXPECT_EQ(count(db.url(), "SELECT count(*) FROM t1"), 1);
}

TEST(Migrator, SecondRunAppliesNothing) {
  TestDatabase db;
  Migrator(db.url(), sample()).run();
  const auto again = Migrator(db.url(), sample()).run();
  EXPECT_TRUE(again.applied.empty());
  EXPECT_EQ(again.latest_version, 2);
  EXPECT_EQ(count(db.url(), "SELECT count(*) FROM t1"), 1);  // migration 2 did not run twice
}

TEST(Migrator, ConcurrentMigratorsApplyEachMigrationOnce) {
  TestDatabase db;
  // A slow first migration widens the race window.
  std::vector<Migration> slow = {{1, "slow", "SELECT pg_sleep(0.3); CREATE TABLE t1 (id int)"},
                                 {2, "two", "INSERT INTO t1 VALUES (1)"}};
  std::vector<MigrationReport> reports(4);
  std::vector<std::string> errors(4);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      try {
        reports[i] = Migrator(db.url(), slow).run();
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    });
  }
  for (auto& t : threads)
    t.join();
  std::size_t applied = 0;
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(errors[i], "") << "migrator " << i;
    applied += reports[i].applied.size();
    EXPECT_EQ(reports[i].latest_version, 2);
  }
  EXPECT_EQ(applied, 2u);
  EXPECT_EQ(count(db.url(), "SELECT count(*) FROM t1"), 1);
}

TEST(Migrator, RefusesAnAppliedMigrationWhoseTextChanged) {
  TestDatabase db;
  Migrator(db.url(), sample()).run();
  auto edited = sample();
  edited[0].sql = "CREATE TABLE t1 (id bigint)";
  try {
    Migrator(db.url(), edited).run();
    FAIL() << "edited migration accepted";
  } catch (const MigrationError& e) {
    EXPECT_NE(std::string(e.what()).find("0001_one"), std::string::npos) << e.what();
  }
}

TEST(Migrator, FailingMigrationLeavesNoTrace) {
  TestDatabase db;
  std::vector<Migration> broken = {{1, "ok", "CREATE TABLE t1 (id int)"},
                                   {2, "bad", "CREATE TABLE t2 (id int); SELECT no_such_column FROM t1"}};
  EXPECT_THROW(Migrator(db.url(), broken).run(), MigrationError);
  EXPECT_EQ(count(db.url(), "SELECT count(*) FROM schema_migrations"), 1);
  EXPECT_EQ(count(db.url(), "SELECT count(*) FROM pg_tables WHERE tablename = 't2'"), 0);
  // Fixed, it goes through.
  broken[1].sql = "CREATE TABLE t2 (id int)";
  EXPECT_EQ(Migrator(db.url(), broken).run().applied, (std::vector<std::string>{"0002_bad"}));
}

TEST(Migrator, ToleratesMigrationsFromANewerRelease) {
  TestDatabase db;
  Migrator(db.url(), sample()).run();
  const auto report = Migrator(db.url(), {sample()[0]}).run();
  EXPECT_EQ(report.unknown_versions, 1);
}

TEST(MigrateCommand, TwoProcessesAtOnceBothSucceed) {
  TestDatabase db;
  std::map<std::string, std::string> env = {{"DATABASE_URL", db.url()}};
  test::CliResult a, b;
  std::thread ta([&] { a = test::run_scratchd_cli({"migrate"}, env); });
  std::thread tb([&] { b = test::run_scratchd_cli({"migrate"}, env); });
  ta.join();
  tb.join();
  EXPECT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(b.exit_code, 0) << b.err;
  const int applied_lines = static_cast<int>((a.out.find("applied 0001_auth") != std::string::npos) +
                                             (b.out.find("applied 0001_auth") != std::string::npos));
  EXPECT_EQ(applied_lines, 1) << a.out << "\n---\n" << b.out;
  const auto again = test::run_scratchd_cli({"migrate"}, env);
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(again.out.find("0 applied by this run"), std::string::npos) << again.out;
  EXPECT_EQ(count(db.url(), "SELECT count(*) FROM schema_migrations WHERE version = 1"), 1);
}

TEST(MigrateCommand, WithoutDatabaseUrlExplainsWhatToDo) {
  const auto r = test::run_scratchd_cli({"migrate"}, {});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("DATABASE_URL"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace scratch::db
